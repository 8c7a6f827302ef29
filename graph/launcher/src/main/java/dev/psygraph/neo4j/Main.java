package dev.psygraph.neo4j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded, with Bolt on 127.0.0.1 and auth disabled.
 * Usage: Main [homeDir]; port from NEO4J_BOLT_PORT (default 7687).
 * Prints "NEO4J_READY bolt://127.0.0.1:PORT" once queries can run; stops cleanly on SIGTERM.
 */
public final class Main {
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(args.length > 0 ? args[0] : ".neo4j").toAbsolutePath();
        int port = parsePort(System.getenv().getOrDefault("NEO4J_BOLT_PORT", "7687"));

        // Neo4j's own bind failure is buried in a long stack trace; check first for a clear message.
        if (!portFree(port)) {
            System.err.println("NEO4J_ERROR port " + HOST + ":" + port
                    + " is already in use; stop whatever holds it or set NEO4J_BOLT_PORT");
            System.exit(2);
        }

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    // Embedded Neo4j otherwise phones home with anonymous usage data.
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache())
                    // Defaults preallocate 256 MiB per transaction log per database (system + neo4j)
                    // and keep 2 days of logs: wasteful for a local dev/test store.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                    // Bolt waits 5 s + 5 s for idle connections/threads after the databases are
                    // already closed; 1 s each keeps neo4j-down quick.
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                    .build();
        } catch (RuntimeException e) {
            System.err.println("NEO4J_ERROR failed to start Neo4j in " + home + ": " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            System.out.println("NEO4J_STOPPED");
        }, "neo4j-shutdown"));

        // Forces the default database online and compiles the Cypher pipeline before clients arrive.
        try {
            dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME)
                    .executeTransactionally("MATCH (n) RETURN count(n)");
        } catch (RuntimeException e) {
            // Neo4j's non-daemon threads would keep the JVM alive; exit (the hook shuts down).
            System.err.println("NEO4J_ERROR warm-up query failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }

        System.out.println("NEO4J_READY bolt://" + HOST + ":" + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Page cache size from -Dpsygraph.pagecache (set by neo4j-up.sh from NEO4J_PAGECACHE), e.g. 64m or 1g. */
    private static long pageCache() {
        String s = System.getProperty("psygraph.pagecache", "64m").trim().toLowerCase();
        try {
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            if (s.endsWith("g")) return ByteUnit.gibiBytes(n);
            if (s.endsWith("m")) return ByteUnit.mebiBytes(n);
        } catch (RuntimeException ignored) {
            // fall through
        }
        System.err.println("NEO4J_ERROR invalid page cache size: " + s + " (use e.g. 64m or 1g)");
        System.exit(2);
        return -1;
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p > 0 && p < 65536) return p;
        } catch (NumberFormatException ignored) {
            // fall through
        }
        System.err.println("NEO4J_ERROR invalid NEO4J_BOLT_PORT: " + s);
        System.exit(2);
        return -1;
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
