import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildApp } from '../../server/app.js';
import { openStore } from '../../store/open-store.js';
import { type CliContext, configFor } from '../context.js';
import { parseNumberIn } from '../options.js';

/** ui/dist of this package, from dist/cli/commands/serve.js. */
const SHIPPED_UI_DIR = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('start the explorer and HTTP API (binds 127.0.0.1 unless --host says otherwise)')
    .option(
      '--port <n>',
      'port (env PORT; default 5170; 0 picks a free one)',
      parseNumberIn('--port', 0, 65535, true),
    )
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--ui-dir <dir>', 'the built explorer to serve (default: ui/dist of this package)')
    .action(async (opts: { port?: number; host: string; uiDir?: string }, cmd: Command) => {
      const port = opts.port ?? (ctx.env.PORT ? parseNumberIn('PORT', 0, 65535, true)(ctx.env.PORT) : 5170);
      const store = await openStore(configFor(cmd, ctx));
      const app = await buildApp({ store, uiDir: opts.uiDir ?? SHIPPED_UI_DIR });
      let address: string;
      try {
        address = await app.listen({ port, host: opts.host });
      } catch (err) {
        await store.close();
        throw err;
      }
      ctx.io.out(`psygraph explorer on ${address}  (store: ${store.backend})`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          void app
            .close()
            .then(() => store.close())
            .then(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
