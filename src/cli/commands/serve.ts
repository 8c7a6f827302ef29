import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CostBudget, loadPrices } from '../../llm/index.js';
import { createLlmClient } from './llm/options.js';
import { buildApp } from '../../server/app.js';
import { loadTraitVerdicts } from '../../store/seed.js';
import type { ServerLlm } from '../../server/routes/llm.js';
import { openStore } from '../../store/open-store.js';
import { type CliContext, configFor } from '../context.js';
import { parseNumberIn } from '../options.js';

/** ui/dist of this package, from dist/cli/commands/serve.js. */
const SHIPPED_UI_DIR = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

interface ServeFlags {
  port?: number;
  host: string;
  uiDir?: string;
  model?: string;
  judgeModel?: string;
  jsonMode?: boolean;
  maxCost?: number;
  prices?: string;
}

/** The models behind /api/llm/*, or none when no model is named (those routes then answer 503). */
async function serverLlm(flags: ServeFlags, cmd: Command, ctx: CliContext): Promise<ServerLlm | undefined> {
  const model = flags.model ?? ctx.env.PSYGRAPH_MODEL;
  if (!model) return undefined;
  // the judge shares the prices and the server's budget with the writer
  const options = {
    jsonMode: !!flags.jsonMode,
    prices: await loadPrices(flags.prices),
    budget: new CostBudget(flags.maxCost),
  };
  const client = createLlmClient(cmd, ctx, { ...options, model });
  const judgeModel = flags.judgeModel ?? ctx.env.PSYGRAPH_JUDGE_MODEL ?? model;
  return {
    client,
    judge: judgeModel === model ? client : createLlmClient(cmd, ctx, { ...options, model: judgeModel }),
  };
}

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
    .option(
      '--model <name>',
      'model for /api/llm/* (env PSYGRAPH_MODEL; without one those routes answer 503)',
    )
    .option('--judge-model <name>', 'the judge (env PSYGRAPH_JUDGE_MODEL; default --model)')
    .option('--json-mode', 'ask for json_object replies (servers without JSON-schema support)')
    .option(
      '--max-cost <usd>',
      'the most this server may spend on LLM calls while it runs',
      parseNumberIn('--max-cost', 0, 1e9),
    )
    .option(
      '--prices <file>',
      'JSON {"model": {"input": USD/1M tokens, "output": USD/1M}} over the built-in table',
    )
    .action(async (flags: ServeFlags, cmd: Command) => {
      const port = flags.port ?? (ctx.env.PORT ? parseNumberIn('PORT', 0, 65535, true)(ctx.env.PORT) : 5170);
      const llm = await serverLlm(flags, cmd, ctx);
      const config = configFor(cmd, ctx);
      const traitVerdicts = await loadTraitVerdicts(config.seedDir);
      const store = await openStore(config);
      const app = await buildApp({
        store,
        uiDir: flags.uiDir ?? SHIPPED_UI_DIR,
        traitVerdicts,
        warmGraph: true,
        ...(llm ? { llm } : {}),
      });
      let address: string;
      try {
        address = await app.listen({ port, host: flags.host });
      } catch (err) {
        await store.close();
        throw err;
      }
      ctx.io.out(
        `psygraph explorer on ${address}  (store: ${store.backend}; LLM: ${llm ? llm.client.model : 'none'})`,
      );
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
