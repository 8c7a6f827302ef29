#!/usr/bin/env bash
# Start the local Neo4j (embedded Community + Bolt, see graph/README.md) in the background.
# Idempotent: if it is already running, just waits for it and prints its URI.
# stdout: only the Bolt URI; progress and errors go to stderr.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/neo4j-common.sh"
LAUNCHER=$GRAPH_DIR/launcher
PORT=${NEO4J_BOLT_PORT:-7687}
START_TIMEOUT=180
# As in Neo4j's shipped neo4j.conf. Without them Neo4j still starts on Java 17 but logs
# warnings, falls back to a slower page cache and cannot preallocate/advise its log files.
# NEO4J_HEAP (default 512m) sizes the Java heap; NEO4J_PAGECACHE (default 64m) Neo4j's page
# cache: the defaults suit the shipped graph, a million relations want e.g. 2g and 1g.
HEAP=${NEO4J_HEAP:-512m}
PAGECACHE=${NEO4J_PAGECACHE:-64m}
[[ $HEAP =~ ^[0-9]+[mg]$ ]] || { echo "neo4j-up: NEO4J_HEAP must look like 512m or 2g (got '$HEAP')" >&2; exit 2; }
[[ $PAGECACHE =~ ^[0-9]+[mg]$ ]] || { echo "neo4j-up: NEO4J_PAGECACHE must look like 64m or 1g (got '$PAGECACHE')" >&2; exit 2; }
JVM_FLAGS=(
  -Xms256m "-Xmx$HEAP" "-Dpsygraph.pagecache=$PAGECACHE"
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -Dlog4j2.disable.jmx=true
)

say() { echo "neo4j-up: $*" >&2; }
die() { say "$*"; exit 1; }

ready_uri() { [[ -f $LOG ]] && sed -n 's/^NEO4J_READY \(bolt:\/\/.*\)$/\1/p' "$LOG" | tail -n 1 | grep .; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

log_tail() {
  say "last lines of $LOG:"
  [[ -f $LOG ]] && tail -n 60 "$LOG" >&2
  say "(Neo4j's own log: $DATA/logs/debug.log)"
}

java_bin() {
  local java ver major
  if [[ -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; else java=java; fi
  command -v "$java" >/dev/null 2>&1 ||
    die "no Java found ('$java'); install OpenJDK 17 (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
  ver=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  major=${ver#1.}
  major=${major%%.*}
  [[ $major =~ ^[0-9]+$ ]] || die "cannot tell the version of '$java'"
  ((major >= 17)) || die "'$java' is Java $ver; Neo4j 5.26 needs Java 17 or 21 (set JAVA_HOME)"
  if ((major != 17 && major != 21)); then
    say "warning: Java $major is not supported by Neo4j 5.26 (17 and 21 are); trying anyway"
  fi
  echo "$java"
}

needs_build() {
  local cls=$LAUNCHER/target/classes/dev/psygraph/neo4j/Main.class
  local src=$LAUNCHER/src/main/java/dev/psygraph/neo4j/Main.java
  [[ -d $LAUNCHER/target/lib && -f $cls ]] || return 0
  [[ $LAUNCHER/pom.xml -nt $LAUNCHER/target/lib ]] && return 0
  [[ $src -nt $cls ]] && return 0
  return 1
}

build() {
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found; install it (apt-get install maven)"
  say "building the launcher with Maven (first time downloads ~170 MB into ~/.m2)..."
  local blog
  blog=$(mktemp)
  # clean: a Neo4j version bump must not leave the old jars in target/lib.
  if ! mvn -q -B -f "$LAUNCHER/pom.xml" clean package -DskipTests >"$blog" 2>&1; then
    cat "$blog" >&2
    rm -f "$blog"
    die "Maven build failed"
  fi
  rm -f "$blog"
  touch "$LAUNCHER/target/lib"
}

mkdir -p "$DATA"
# Serialise concurrent neo4j-up runs (e.g. parallel test workers) on this data directory.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DATA/.lock"
  flock -w "$START_TIMEOUT" 9 || die "timed out waiting for another neo4j-up on $DATA"
fi

launched=0
if pid=$(running_pid); then
  say "already running (pid $pid)"
else
  rm -f "$PIDFILE"
  JAVA=$(java_bin)
  if needs_build; then build; fi
  say "starting Neo4j in $DATA (Bolt port $PORT)..."
  # nohup + setsid: survives the calling shell / test runner exiting or being interrupted.
  # 9>&-: the server must not inherit the lock.
  (cd "$DATA" && NEO4J_BOLT_PORT=$PORT exec nohup setsid "$JAVA" "${JVM_FLAGS[@]}" \
    -cp "$LAUNCHER/target/classes:$LAUNCHER/target/lib/*" "$MAIN_CLASS" "$DATA" \
    </dev/null >"$LOG" 2>&1 9>&-) &
  pid=$!
  echo "$pid" >"$PIDFILE"
  launched=1
fi

deadline=$((SECONDS + START_TIMEOUT))
while :; do
  if uri=$(ready_uri) && port_open "${uri##*:}"; then
    if [[ $launched == 0 && ${uri##*:} != "$PORT" ]]; then
      say "note: running server listens on ${uri##*:}, not NEO4J_BOLT_PORT=$PORT"
    fi
    echo "$uri"
    exit 0
  fi
  if ! running_pid >/dev/null; then
    rm -f "$PIDFILE"
    log_tail
    die "Neo4j exited during start-up"
  fi
  if ((SECONDS >= deadline)); then
    log_tail
    if [[ $launched == 1 ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      rm -f "$PIDFILE"
    fi
    die "Neo4j not ready after ${START_TIMEOUT}s"
  fi
  sleep 0.5
done
