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
import { type PriceTable, DEFAULT_PRICES, costOf, priceOf } from './prices.js';
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

  /** The most a call can cost: its prompt as counted here, plus max_tokens of output. */
  estimate(messages: readonly ChatMessage[], maxTokens: number, model = this.model): number {
    const promptTokens = messages.reduce((n, m) => n + this.count(m.content) + 4, 0);
    return costOf(priceOf(this.prices, model), promptTokens, maxTokens);
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
      const callCost = costOf(
        priceOf(this.prices, model),
        reply.usage.promptTokens,
        reply.usage.completionTokens,
      );
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
      messages.push(
        { role: 'assistant', content: reply.text },
        {
          role: 'user',
          content: `Your reply is not valid:\n${errors.map((e) => `- ${e}`).join('\n')}\nReply again in full, fixing these problems, and nothing else.`,
        },
      );
    }
    throw new InvalidReplyError(
      `${request.label ?? format.name}: ${model} gave no valid reply in ${attempts} attempt(s): ${errors.slice(0, 3).join('; ')}`,
    );
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

  private async send<T>(
    model: string,
    messages: ChatMessage[],
    request: CallRequest<T>,
  ): Promise<{ text: string; usage: Usage; finishReason: string | null }> {
    const { format } = request;
    const response_format = format.fromText
      ? undefined
      : this.options.jsonMode
        ? ({ type: 'json_object' } as const)
        : ({
            type: 'json_schema',
            json_schema: { name: format.name, schema: jsonSchemaOf(format.schema), strict: false },
          } as const);
    const body = {
      model,
      messages,
      ...(usesCompletionTokens(model)
        ? { max_completion_tokens: request.maxTokens }
        : { max_tokens: request.maxTokens }),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(response_format ? { response_format } : {}),
    };
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
