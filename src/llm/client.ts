/**
 * The one way psygraph talks to an LLM: any OpenAI-compatible endpoint through the `openai`
 * client. Every reply is validated before anyone sees it (zod, plus the step's own checks), with
 * one bounded repair re-ask that quotes the errors; only a valid reply is cached or returned.
 */
import OpenAI from 'openai';
import { z } from 'zod';
import { canonicalJson, sha256 } from '../model/index.js';
import { type TokenCounter, createTokenCounter } from '../prompt/index.js';
import { ReplyCache, type Usage, cacheKey } from './cache.js';
import { CostBudget, DryRunStop, Semaphore } from './limits.js';
import { InvalidReplyError, TruncatedReplyError, requestError } from './errors.js';
import { type Price, type PriceTable, DEFAULT_PRICES, batchPriceOf, costOf, priceOf } from './prices.js';
import {
  type BatchCollector,
  BatchPending,
  type BatchRequestLine,
  batchCustomId,
} from './batch-collector.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetries } from './retry.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** What a reply must be: a JSON object (structured output) or text parsed by the step. */
export interface ReplyFormat<T> {
  name: string;
  /** Validates the final value, also when it comes back from the cache. */
  schema: z.ZodType<T>;
  /** Text replies: how to read them; JSON replies leave this out. */
  fromText?: (text: string) => Parsed<unknown>;
  /** Checks zod cannot express (evidence quoted from the scene, speakers in the cast, …). */
  check?: (value: T) => string[];
}

export interface CallRequest<T> {
  messages: ChatMessage[];
  format: ReplyFormat<T>;
  maxTokens: number;
  model?: string;
  temperature?: number;
  variant?: string | number;
  /** Re-asks after an invalid reply (default 1). */
  maxRepairs?: number;
  /** Names the call in logs and errors, e.g. "scene 3f2a…". */
  label?: string;
}

export interface CallResult<T> {
  value: T;
  model: string;
  promptHash: string;
  usage: Usage;
  cost: number;
  cached: boolean;
}

export interface LlmOptions {
  model: string;
  baseURL?: string;
  apiKey?: string;
  jsonMode?: boolean;
  stream?: boolean;
  concurrency?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  cacheDir?: string;
  prices?: PriceTable;
  budget?: CostBudget;
  dryRun?: boolean;
  /** Reply token limit for every call, over each step's own default (--max-tokens). */
  maxTokens?: number;
  /**
   * Batch mode (--batch): calls are queued here for the OpenAI Batch API instead of being sent,
   * and every price is the batch rate (also for --dry-run and --max-cost).
   */
  batch?: BatchCollector;
  log?: (line: string) => void;
}

/** The endpoint from the environment: OPENAI_BASE_URL and OPENAI_API_KEY, as the openai package reads them. */
export function endpointFromEnv(env: NodeJS.ProcessEnv): Pick<LlmOptions, 'baseURL' | 'apiKey'> {
  return {
    ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
    ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
  };
}

export interface LlmStats {
  calls: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  /** --dry-run: what the calls that were not sent would cost at most. */
  estimate: number;
  /** Replies the server cut off at the token limit (finish_reason "length"). */
  truncated: number;
}

// Reasoning models reject max_tokens and take max_completion_tokens instead.
const usesCompletionTokens = (model: string) => /^(o\d|gpt-5)/.test(model);

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'output' }) as Record<string, unknown>;
  return rest;
}

function parseJson<T>(text: string, format: ReplyFormat<T>): Parsed<unknown> {
  if (format.fromText) return format.fromText(text);
  const body = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    return { ok: false, errors: [`the reply is not valid JSON: ${(err as Error).message}`] };
  }
}

export function validate<T>(value: unknown, format: ReplyFormat<T>): Parsed<T> {
  const parsed = format.schema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  const errors = format.check?.(parsed.data) ?? [];
  return errors.length ? { ok: false, errors } : { ok: true, value: parsed.data };
}

export class LlmClient {
  readonly model: string;
  readonly stats: LlmStats = {
    calls: 0,
    cacheHits: 0,
    promptTokens: 0,
    completionTokens: 0,
    cost: 0,
    estimate: 0,
    truncated: 0,
  };
  readonly budget: CostBudget;
  private readonly openai: OpenAI;
  private readonly cache: ReplyCache;
  private readonly gate: Semaphore;
  private readonly retry: RetryPolicy;
  private readonly count: TokenCounter = createTokenCounter();
  private readonly prices: PriceTable;
  private readonly log: (line: string) => void;

  constructor(readonly options: LlmOptions) {
    this.model = options.model;
    this.openai = new OpenAI({
      apiKey: options.apiKey || 'not-needed',
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      maxRetries: 0,
      timeout: options.timeoutMs ?? 120_000,
    });
    this.cache = new ReplyCache(options.cacheDir);
    this.gate = new Semaphore(options.concurrency ?? 4);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.prices = options.prices ?? DEFAULT_PRICES;
    this.budget = options.budget ?? new CostBudget(undefined);
    this.log = options.log ?? (() => {});
  }

  hasPrice(model = this.model): boolean {
    return priceOf(this.prices, model) !== undefined;
  }

  /** The rates calls are charged at: the batch rates in batch mode, else the live ones. */
  priceOf(model = this.model): Price | undefined {
    return this.options.batch ? batchPriceOf(this.prices, model) : priceOf(this.prices, model);
  }

  /**
   * Another request to the endpoint (the Batch API's files and batches), with the same retries on
   * 429 / 5xx / timeouts as a call and the same error messages.
   */
  async request<R>(what: string, fn: (api: OpenAI) => Promise<R>): Promise<R> {
    try {
      return await withRetries(() => fn(this.openai), this.retry, this.log, what);
    } catch (err) {
      throw requestError(err, what, this.openai.baseURL);
    }
  }

  /** The most a call can cost: its prompt as counted here, plus max_tokens of output. */
  estimate(messages: readonly ChatMessage[], maxTokens: number, model = this.model): number {
    const promptTokens = messages.reduce((n, m) => n + this.count(m.content) + 4, 0);
    return costOf(this.priceOf(model), promptTokens, maxTokens);
  }

  async call<T>(req: CallRequest<T>): Promise<CallResult<T>> {
    const request = this.options.maxTokens ? { ...req, maxTokens: this.options.maxTokens } : req;
    const model = request.model ?? this.model;
    const { format } = request;
    const schemaKey = format.fromText ? `text:${format.name}` : jsonSchemaOf(format.schema);
    const key = cacheKey({ model, messages: request.messages, schema: schemaKey, variant: request.variant });
    const promptHash = sha256(canonicalJson(request.messages)).slice(0, 16);
    const hit = await this.cache.get(key);
    if (hit) {
      const valid = validate(hit.value, format);
      if (valid.ok) {
        this.stats.cacheHits++;
        return { value: valid.value, model, promptHash, usage: hit.usage, cost: 0, cached: true };
      }
    }
    if (this.options.batch && !this.options.dryRun)
      return this.callInBatch(this.options.batch, request, model, key, promptHash);
    const messages = this.withFormatHint(request.messages, format);
    const usage: Usage = { promptTokens: 0, completionTokens: 0 };
    let cost = 0;
    let errors: string[] = [];
    const attempts = 1 + (request.maxRepairs ?? 1);
    for (let attempt = 0; attempt < attempts; attempt++) {
      const estimate = this.estimate(messages, request.maxTokens, model);
      if (this.options.dryRun) {
        this.stats.estimate += estimate;
        throw new DryRunStop(estimate);
      }
      const release = this.budget.reserve(estimate);
      let reply: { text: string; usage: Usage; finishReason: string | null };
      try {
        reply = await this.gate.run(() =>
          withRetries(
            () => this.send(model, messages, request),
            this.retry,
            this.log,
            request.label ?? format.name,
          ),
        );
      } catch (err) {
        throw requestError(err, request.label ?? format.name, this.openai.baseURL);
      } finally {
        release();
      }
      const callCost = costOf(this.priceOf(model), reply.usage.promptTokens, reply.usage.completionTokens);
      this.budget.charge(callCost);
      this.record(reply.usage, callCost);
      usage.promptTokens += reply.usage.promptTokens;
      usage.completionTokens += reply.usage.completionTokens;
      cost += callCost;
      if (reply.finishReason === 'length') {
        this.stats.truncated++;
        throw new TruncatedReplyError(
          `${request.label ?? format.name}: ${model}'s reply was cut off at the ${request.maxTokens}-token limit (finish_reason "length") after ${reply.usage.completionTokens} token(s); nothing saved (raise --max-tokens)`,
        );
      }
      const read = parseJson(reply.text, format);
      const valid = read.ok ? validate(read.value, format) : read;
      if (valid.ok) {
        await this.cache.put({ key, model, value: valid.value, usage, createdAt: new Date().toISOString() });
        return { value: valid.value, model, promptHash, usage, cost, cached: false };
      }
      errors = valid.errors;
      this.log(`llm: ${request.label ?? format.name}: invalid reply (${errors.slice(0, 3).join('; ')})`);
      messages.push(...repairMessages(reply.text, errors));
    }
    throw new InvalidReplyError(
      `${request.label ?? format.name}: ${model} gave no valid reply in ${attempts} attempt(s): ${errors.slice(0, 3).join('; ')}`,
    );
  }

  /**
   * One step of a call in batch mode. Without its reply yet, the request is queued (after the same
   * --max-cost reservation as a live call) and BatchPending thrown. With it, the reply is checked
   * exactly as a live one: valid → cached and returned; invalid → the re-ask is queued for the next
   * round, or the call fails once its attempts are used up; cut off → fails as truncated.
   */
  private async callInBatch<T>(
    batch: BatchCollector,
    request: CallRequest<T>,
    model: string,
    key: string,
    promptHash: string,
  ): Promise<CallResult<T>> {
    const { format } = request;
    const label = request.label ?? format.name;
    const attempts = 1 + (request.maxRepairs ?? 1);
    const progress = batch.progressFor(key) ?? {
      attempt: 0,
      messages: this.withFormatHint(request.messages, format),
      usage: { promptTokens: 0, completionTokens: 0 },
      cost: 0,
    };
    const customId = batchCustomId(key, progress.attempt);
    const reply = batch.reply(customId);
    if (!reply) {
      if (!batch.isQueued(customId)) {
        const release = this.budget.reserve(this.estimate(progress.messages, request.maxTokens, model));
        batch.queue(this.batchLine(customId, model, progress.messages, request), release);
      }
      throw new BatchPending(label);
    }
    if ('error' in reply) {
      batch.finished(key);
      throw new InvalidReplyError(`${label}: the batch has no reply for this request: ${reply.error}`);
    }
    const callCost = costOf(this.priceOf(model), reply.usage.promptTokens, reply.usage.completionTokens);
    if (batch.consume(customId)) {
      this.budget.charge(callCost);
      this.record(reply.usage, callCost);
    }
    const usage: Usage = {
      promptTokens: progress.usage.promptTokens + reply.usage.promptTokens,
      completionTokens: progress.usage.completionTokens + reply.usage.completionTokens,
    };
    const cost = progress.cost + callCost;
    if (reply.finishReason === 'length') {
      batch.finished(key);
      this.stats.truncated++;
      throw new TruncatedReplyError(
        `${label}: ${model}'s reply was cut off at the ${request.maxTokens}-token limit (finish_reason "length") after ${reply.usage.completionTokens} token(s); nothing saved (raise --max-tokens)`,
      );
    }
    const read = parseJson(reply.text, format);
    const valid = read.ok ? validate(read.value, format) : read;
    if (valid.ok) {
      await this.cache.put({ key, model, value: valid.value, usage, createdAt: new Date().toISOString() });
      batch.finished(key);
      return { value: valid.value, model, promptHash, usage, cost, cached: false };
    }
    this.log(`llm: ${label}: invalid reply (${valid.errors.slice(0, 3).join('; ')})`);
    if (progress.attempt + 1 >= attempts) {
      batch.finished(key);
      throw new InvalidReplyError(
        `${label}: ${model} gave no valid reply in ${attempts} attempt(s): ${valid.errors.slice(0, 3).join('; ')}`,
      );
    }
    const next = {
      attempt: progress.attempt + 1,
      messages: [...progress.messages, ...repairMessages(reply.text, valid.errors)],
      usage,
      cost,
    };
    batch.setProgress(key, next);
    const nextId = batchCustomId(key, next.attempt);
    if (!batch.isQueued(nextId)) {
      const release = this.budget.reserve(this.estimate(next.messages, request.maxTokens, model));
      batch.queue(this.batchLine(nextId, model, next.messages, request), release);
    }
    throw new BatchPending(label);
  }

  /** A Batch API request line: the same body the live path sends. */
  private batchLine<T>(
    customId: string,
    model: string,
    messages: ChatMessage[],
    request: CallRequest<T>,
  ): BatchRequestLine {
    return {
      custom_id: customId,
      method: 'POST',
      url: '/v1/chat/completions',
      body: this.requestBody(model, messages, request),
    };
  }

  private record(usage: Usage, cost: number): void {
    this.stats.calls++;
    this.stats.promptTokens += usage.promptTokens;
    this.stats.completionTokens += usage.completionTokens;
    this.stats.cost += cost;
  }

  /** In JSON mode the schema travels in the prompt, since the server cannot enforce it. */
  private withFormatHint<T>(messages: readonly ChatMessage[], format: ReplyFormat<T>): ChatMessage[] {
    const copy = messages.map((m) => ({ ...m }));
    if (format.fromText || !this.options.jsonMode) return copy;
    const hint = `Reply with one JSON object that matches this JSON schema:\n${JSON.stringify(jsonSchemaOf(format.schema))}`;
    const system = copy.find((m) => m.role === 'system');
    if (system) system.content += `\n\n${hint}`;
    else copy.unshift({ role: 'system', content: hint });
    return copy;
  }

  /** The chat-completions request body of a call, live or in a batch. */
  private requestBody<T>(model: string, messages: ChatMessage[], request: CallRequest<T>) {
    const { format } = request;
    const response_format = format.fromText
      ? undefined
      : this.options.jsonMode
        ? ({ type: 'json_object' } as const)
        : ({
            type: 'json_schema',
            json_schema: { name: format.name, schema: jsonSchemaOf(format.schema), strict: false },
          } as const);
    return {
      model,
      messages,
      ...(usesCompletionTokens(model)
        ? { max_completion_tokens: request.maxTokens }
        : { max_tokens: request.maxTokens }),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(response_format ? { response_format } : {}),
    };
  }

  private async send<T>(
    model: string,
    messages: ChatMessage[],
    request: CallRequest<T>,
  ): Promise<{ text: string; usage: Usage; finishReason: string | null }> {
    const body = this.requestBody(model, messages, request);
    const counted = (text: string): Usage => ({
      promptTokens: messages.reduce((n, m) => n + this.count(m.content) + 4, 0),
      completionTokens: this.count(text),
    });
    if (this.options.stream) {
      const stream = await this.openai.chat.completions.create({
        ...body,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: Usage | undefined;
      let finishReason: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
        if (chunk.usage)
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
      }
      return { text, usage: usage ?? counted(text), finishReason };
    }
    const completion = await this.openai.chat.completions.create(body);
    const text = completion.choices[0]?.message?.content ?? '';
    const u = completion.usage;
    return {
      text,
      usage: u ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens } : counted(text),
      finishReason: completion.choices[0]?.finish_reason ?? null,
    };
  }
}

/** The re-ask after an invalid reply: the reply itself, then its errors quoted back. */
function repairMessages(text: string, errors: readonly string[]): ChatMessage[] {
  return [
    { role: 'assistant', content: text },
    {
      role: 'user',
      content: `Your reply is not valid:\n${errors.map((e) => `- ${e}`).join('\n')}\nReply again in full, fixing these problems, and nothing else.`,
    },
  ];
}
