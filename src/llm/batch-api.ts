/**
 * Batch generation (--batch): the items' LLM calls go through an OpenAI-style Batch API instead of
 * one request each. The work runs in rounds. In each round every unfinished item is run; its calls
 * answer from the reply cache or from the last round's replies, and a call still without a reply
 * queues its request (BatchCollector) and puts the item off. The queued requests are written as a
 * JSON-lines request file, uploaded (purpose "batch"), submitted as one batch, polled until it
 * ends, and its output and error files read back by custom id; then the next round runs. Multi-step
 * items take one round per step (synth: scene, then conversation), a re-ask after an invalid reply
 * one more.
 *
 * Resume: a state file next to --out (OUT.batch.json) names the batch in flight and the calls'
 * re-ask progress; it is written atomically right after a batch is created and before polling, so a
 * run killed while waiting attaches to the same batch when started again instead of paying twice.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { InvalidInputError, PsygraphError } from '../model/index.js';
import { readJsonIfExists } from '../read-input.js';
import { type BatchOptions, type BatchSummary, runBatch } from './batch.js';
import {
  type BatchCollector,
  BatchPending,
  type BatchReply,
  type BatchRequestLine,
} from './batch-collector.js';
import { UsageSchema } from './cache.js';
import { InvalidReplyError } from './errors.js';
import type { LlmClient } from './client.js';

/** The batch ended without its results (failed, expired or cancelled): not the caller's fault. */
export class BatchFailedError extends PsygraphError {
  readonly code = 'batch_failed';
  readonly callerFault = false;
}

const CallProgressSchema = z.strictObject({
  attempt: z.number().int().nonnegative(),
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  usage: UsageSchema,
  cost: z.number().nonnegative(),
});

export const BatchStateSchema = z.strictObject({
  version: z.literal(1),
  /** The command (synth, judge) and model the batches are for. */
  label: z.string(),
  model: z.string(),
  /** Rounds submitted so far. */
  round: z.number().int().nonnegative(),
  /** Every batch submitted, in order. */
  batches: z.array(z.string()),
  /** The batch in flight: a run started again polls it instead of submitting anew. */
  pending: z
    .strictObject({
      batchId: z.string().min(1),
      inputFileId: z.string().optional(),
      requestFile: z.string().optional(),
      /** Its requests' custom ids; one the finished batch does not answer fails its item. */
      customIds: z.array(z.string()).optional(),
      submittedAt: z.string(),
    })
    .optional(),
  /**
   * A round uploaded but not yet known to be submitted: a run killed between creating the batch
   * and saving its id finds that batch by its input file, or creates it from the same file.
   */
  submitting: z
    .strictObject({
      round: z.number().int().positive(),
      inputFileId: z.string().min(1),
      requestFile: z.string(),
      customIds: z.array(z.string()),
      startedAt: z.string(),
    })
    .optional(),
  /** Calls between attempts (re-asks), by reply-cache key. */
  progress: z.record(z.string(), CallProgressSchema),
});
export type BatchState = z.infer<typeof BatchStateSchema>;

export const batchStatePath = (out: string) => `${out}.batch.json`;
export const batchRequestPath = (out: string, round: number) => `${out}.batch-${round}.requests.jsonl`;

export interface BatchApiOptions<I extends { id: string }> extends Omit<BatchOptions<I>, 'deferred'> {
  client: LlmClient;
  collector: BatchCollector;
  /** Wait between two looks at a batch's status. */
  pollIntervalMs: number;
  /** Write the first round's request file and stop: nothing is uploaded or sent. */
  fileOnly?: boolean;
  /** Attach to this batch (created earlier for the same --out) instead of submitting the first round. */
  batchId?: string;
}

export interface BatchApiSummary extends BatchSummary {
  rounds: number;
  batches: string[];
  requestFiles: string[];
}

async function loadState(file: string): Promise<BatchState | undefined> {
  const value = await readJsonIfExists(
    file,
    (reason) =>
      new InvalidInputError(
        `--out: the batch state file ${file} is not JSON (${reason}); delete it to start over`,
      ),
  );
  if (value === undefined) return undefined;
  const parsed = BatchStateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(
      `--out: the batch state file ${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}; delete it to start over`,
    );
  }
  return parsed.data;
}

const saveState = (file: string, state: BatchState) =>
  writeFileAtomic(file, JSON.stringify(state, null, 1) + '\n');

const TERMINAL = new Set<Batch['status']>(['completed', 'failed', 'expired', 'cancelled']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForBatch(client: LlmClient, id: string, options: BatchApiOptions<never>): Promise<Batch> {
  let last = '';
  for (;;) {
    const batch = await client.request(`batch ${id}`, (api) => api.batches.retrieve(id));
    const counts = batch.request_counts;
    const seen = `${batch.status}${counts ? ` ${counts.completed}/${counts.total} done, ${counts.failed} failed` : ''}`;
    if (seen !== last) options.log(`${options.label}: batch ${id}: ${seen}`);
    last = seen;
    if (TERMINAL.has(batch.status)) return batch;
    await sleep(options.pollIntervalMs);
  }
}

const OutputLineSchema = z.looseObject({
  custom_id: z.string(),
  response: z
    .looseObject({
      status_code: z.number(),
      body: z.unknown(),
    })
    .nullish(),
  error: z.looseObject({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const CompletionSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

/** One line of a batch output or error file as the reply it carries. */
function replyOf(line: z.infer<typeof OutputLineSchema>): BatchReply {
  if (line.error) return { error: `${line.error.code ?? 'error'}: ${line.error.message ?? 'no message'}` };
  const response = line.response;
  if (!response) return { error: 'no response' };
  if (response.status_code !== 200) {
    const body = response.body as { error?: { message?: string } } | undefined;
    return { error: `HTTP ${response.status_code}: ${body?.error?.message ?? JSON.stringify(body)}` };
  }
  const completion = CompletionSchema.safeParse(response.body);
  if (!completion.success) return { error: 'the response body is not a chat completion' };
  const choice = completion.data.choices[0]!;
  const usage = completion.data.usage;
  return {
    text: choice.message?.content ?? '',
    // a batch reply without usage is charged nothing rather than guessed
    usage: {
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
    },
    finishReason: choice.finish_reason ?? null,
  };
}

async function fileLines(client: LlmClient, fileId: string, what: string): Promise<string[]> {
  const text = await client.request(`${what} ${fileId}`, async (api) =>
    (await api.files.content(fileId)).text(),
  );
  return text.split('\n').filter((l) => l.trim());
}

/** The batch's replies by custom id; with `expected`, a request it left unanswered gets an error. */
async function downloadReplies(
  client: LlmClient,
  batch: Batch,
  expected: readonly string[] | undefined,
): Promise<Map<string, BatchReply>> {
  const replies = new Map<string, BatchReply>();
  for (const [fileId, what] of [
    [batch.output_file_id, 'output file'],
    [batch.error_file_id, 'error file'],
  ] as const) {
    if (!fileId) continue;
    for (const [i, text] of (await fileLines(client, fileId, `batch ${batch.id} ${what}`)).entries()) {
      let line: z.infer<typeof OutputLineSchema>;
      try {
        line = OutputLineSchema.parse(JSON.parse(text));
      } catch (err) {
        throw new BatchFailedError(
          `batch ${batch.id}: line ${i + 1} of its ${what} ${fileId} is not a batch result: ${(err as Error).message.slice(0, 200)}`,
        );
      }
      replies.set(line.custom_id, replyOf(line));
    }
  }
  for (const id of expected ?? [])
    if (!replies.has(id)) replies.set(id, { error: `batch ${batch.id} returned no result for it` });
  return replies;
}

function describeFailure(batch: Batch): string {
  const errors = (batch.errors?.data ?? [])
    .slice(0, 3)
    .map((e) => `${e.code ?? 'error'}${e.line ? ` (line ${e.line})` : ''}: ${e.message ?? ''}`)
    .join('; ');
  return `batch ${batch.id} ${batch.status}${errors ? `: ${errors}` : ''}`;
}

/** Runs the items through the Batch API, round after round, until each is written or has failed. */
export async function runBatchApi<I extends { id: string }>(
  options: BatchApiOptions<I>,
): Promise<BatchApiSummary> {
  const { client, collector, label, out, log } = options;
  const statePath = batchStatePath(out);
  const saved = await loadState(statePath);
  if (saved && (saved.label !== label || saved.model !== client.model))
    throw new InvalidInputError(
      `--out: ${statePath} belongs to an unfinished ${saved.label} batch with model ${saved.model}; finish it with the same command and model, or delete it to start over`,
    );
  let state: BatchState = saved ?? {
    version: 1,
    label,
    model: client.model,
    round: 0,
    batches: [],
    progress: {},
  };
  if (options.fileOnly && (state.pending || state.submitting))
    throw new InvalidInputError(
      `--batch-file-only: ${statePath} has a batch in flight; run without --batch-file-only to finish it`,
    );
  if (state.submitting && !state.pending && !options.batchId) {
    const batch = await finishSubmitting(client, label, state.submitting);
    log(
      `${label}: round ${state.submitting.round} (file ${state.submitting.inputFileId}) is batch ${batch.id}`,
    );
    state = submitted(state, state.submitting, batch.id);
    await saveState(statePath, state);
  }
  if (options.batchId) {
    if (state.pending && state.pending.batchId !== options.batchId)
      throw new InvalidInputError(
        `--batch-id: ${statePath} already waits for batch ${state.pending.batchId}, not ${options.batchId}`,
      );
    if (!state.pending) {
      state = {
        ...state,
        pending: { batchId: options.batchId, submittedAt: new Date().toISOString() },
        batches: [...state.batches, options.batchId],
        submitting: undefined,
      };
      await saveState(statePath, state);
    }
  }
  if (state.pending)
    log(`${label}: attaching to batch ${state.pending.batchId} (from ${path.basename(statePath)})`);
  collector.restore(state.progress);
  const summary: BatchApiSummary = {
    total: 0,
    skipped: 0,
    written: 0,
    failed: 0,
    truncated: 0,
    estimate: 0,
    deferred: 0,
    rounds: 0,
    batches: [],
    requestFiles: [],
  };
  let first = true;
  const failed = new Set<string>();
  let waited = new Set<string>();
  for (;;) {
    let incomplete: Batch | undefined;
    let answered = 0;
    if (state.pending) {
      const { batchId, customIds } = state.pending;
      const batch = await waitForBatch(client, batchId, options as unknown as BatchApiOptions<never>);
      if (batch.status === 'failed' || (!batch.output_file_id && !batch.error_file_id)) {
        state = { ...state, pending: undefined };
        await saveState(statePath, state);
        throw new BatchFailedError(
          `${describeFailure(batch)}; nothing came back (a re-run submits the requests again)`,
        );
      }
      // an expired or cancelled batch still returns what it finished: keep that, then stop
      if (batch.status !== 'completed') incomplete = batch;
      const replies = await downloadReplies(client, batch, incomplete ? undefined : customIds);
      answered = [...replies.values()].filter((r) => !('error' in r)).length;
      collector.receive(replies);
      summary.rounds++;
      summary.batches.push(batchId);
    }
    // as on the live path, an item that failed is not tried again in this run, and once --max-cost
    // stopped a pass only the items already waiting for the batch go on
    const waiting = new Set<string>();
    const pass = await runBatch({
      ...options,
      items: options.items.filter((i) => !failed.has(i.id) && (!summary.stoppedBy || waited.has(i.id))),
      work: async (item) => {
        try {
          return await options.work(item);
        } catch (err) {
          if (err instanceof BatchPending) waiting.add(item.id);
          else if (err instanceof InvalidReplyError) failed.add(item.id);
          throw err;
        }
      },
      deferred: (err) => err instanceof BatchPending,
    });
    waited = waiting;
    if (first) {
      summary.total = pass.total;
      summary.skipped = pass.skipped;
      first = false;
    }
    summary.written += pass.written;
    summary.failed += pass.failed;
    summary.truncated += pass.truncated;
    summary.deferred = pass.deferred;
    summary.stoppedBy ??= pass.stoppedBy;
    if (incomplete) {
      state = { ...state, pending: undefined, progress: collector.progress() };
      await saveState(statePath, state);
      throw new BatchFailedError(
        `${describeFailure(incomplete)}: its ${answered} answer(s) are kept (${pass.written} item(s) finished in ${out}); a re-run submits the rest again`,
      );
    }
    const lines = collector.take();
    if (!lines.length) {
      if (Object.keys(collector.progress()).length)
        await saveState(statePath, { ...state, pending: undefined, progress: collector.progress() });
      else await rm(statePath, { force: true });
      return summary;
    }
    const round = state.round + 1;
    const requestFile = batchRequestPath(out, round);
    const text = lines.map((l: BatchRequestLine) => JSON.stringify(l)).join('\n') + '\n';
    await writeFileAtomic(requestFile, text);
    summary.requestFiles.push(requestFile);
    if (options.fileOnly) {
      log(`${label}: wrote ${lines.length} request(s) of round ${round} to ${requestFile}; nothing sent`);
      return summary;
    }
    const input = await client.request(
      `uploading ${requestFile} (--batch needs the Batch API: /v1/files, /v1/batches)`,
      async (api) =>
        api.files.create({
          file: await toFile(Buffer.from(text), path.basename(requestFile), { type: 'application/jsonl' }),
          purpose: 'batch',
        }),
    );
    const submitting: Submitting = {
      round,
      inputFileId: input.id,
      requestFile: path.basename(requestFile),
      customIds: lines.map((l) => l.custom_id),
      startedAt: new Date().toISOString(),
    };
    state = { ...state, submitting, progress: collector.progress() };
    await saveState(statePath, state);
    const batch = await createBatch(client, label, submitting);
    // before polling: a run killed from here on attaches to this batch instead of paying twice
    state = submitted(state, submitting, batch.id);
    await saveState(statePath, state);
    log(
      `${label}: round ${round}: ${lines.length} request(s) in batch ${batch.id} (file ${input.id}, ${requestFile})`,
    );
  }
}

type Submitting = NonNullable<BatchState['submitting']>;

const createBatch = (client: LlmClient, label: string, submitting: Submitting) =>
  client.request(`batch of ${submitting.requestFile}`, (api) =>
    api.batches.create({
      input_file_id: submitting.inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { psygraph: label, round: String(submitting.round) },
    }),
  );

function submitted(state: BatchState, submitting: Submitting, batchId: string): BatchState {
  const { submitting: _done, ...rest } = state;
  return {
    ...rest,
    round: submitting.round,
    batches: [...state.batches, batchId],
    pending: {
      batchId,
      inputFileId: submitting.inputFileId,
      requestFile: submitting.requestFile,
      customIds: submitting.customIds,
      submittedAt: new Date().toISOString(),
    },
  };
}

/**
 * After a run was killed while submitting: the batch made from its input file, if the server has
 * one (newest first, back to a little before the upload), or a new one from the same file.
 */
async function finishSubmitting(client: LlmClient, label: string, submitting: Submitting): Promise<Batch> {
  const since = Date.parse(submitting.startedAt) / 1000 - 600;
  const found = await client.request('listing batches', async (api) => {
    for await (const batch of api.batches.list({ limit: 100 })) {
      if (batch.input_file_id === submitting.inputFileId) return batch;
      if (batch.created_at < since) break;
    }
    return undefined;
  });
  return found ?? createBatch(client, label, submitting);
}
