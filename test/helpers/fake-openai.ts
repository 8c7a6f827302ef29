/**
 * A local OpenAI-compatible server for tests (node:http on 127.0.0.1, a free port): it answers
 * /v1/chat/completions with scripted replies — plain, streamed (SSE), malformed, an HTTP error or
 * a delay longer than the client's timeout — and counts the calls it served. It also speaks the
 * Batch API: /v1/files (multipart upload, purpose "batch"), /v1/files/:id/content, /v1/batches
 * and /v1/batches/:id; a batch runs every request line through the same scripted responder and
 * completes (or fails, or expires, as scripted) after a number of status polls.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  response_format?: { type: string; json_schema?: { name: string; schema?: Record<string, unknown> } };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface FakeReply {
  /** Reply text (the assistant message content). */
  content?: string;
  /** An HTTP error status instead of a reply. */
  status?: number;
  /** Wait this long before answering (a timeout when longer than the client's). */
  delayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** finish_reason of the reply (default "stop"; "length" is a reply cut off at max_tokens). */
  finishReason?: string;
}

export type Responder = (request: FakeRequest, index: number) => FakeReply;

/** How batches end: after `polls` status looks, completed unless `outcome` says otherwise. */
export interface FakeBatchOptions {
  /** Status looks before the batch ends (default 2), or that by batch (0 for the first one created). */
  polls?: number | ((batchIndex: number) => number);
  /** "failed": nothing comes back; "expired": only the first half of the lines is answered. */
  outcome?: (batchIndex: number) => 'completed' | 'failed' | 'expired';
}

export interface FakeBatch {
  id: string;
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  /** The uploaded request lines, parsed. */
  lines: { custom_id: string; method: string; url: string; body: FakeRequest }[];
  status: string;
  polls: number;
  createdAt: number;
}

export interface FakeServer {
  /** The base URL to give the openai client (…/v1). */
  url: string;
  /** Every request received, in order (including ones answered with errors). */
  requests: FakeRequest[];
  /** Requests answered with a reply (status 200). */
  served(): number;
  /** Token usage reported for every served reply. */
  usages: { prompt_tokens: number; completion_tokens: number }[];
  /** Batches created, in order. */
  batches: FakeBatch[];
  /** Uploaded files by id (content as text) and the purpose given. */
  files: Map<string, { content: string; purpose: string; filename: string }>;
  close(): Promise<void>;
}

const roughTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const usageOf = (request: FakeRequest, reply: FakeReply) =>
  reply.usage ?? {
    prompt_tokens: roughTokens(request.messages.map((m) => m.content).join('\n')),
    completion_tokens: roughTokens(reply.content ?? ''),
  };

function completionOf(
  request: FakeRequest,
  reply: FakeReply,
  usage: { prompt_tokens: number; completion_tokens: number },
) {
  return {
    id: 'chatcmpl-fake',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content ?? '' },
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function answer(res: ServerResponse, request: FakeRequest, reply: FakeReply): FakeReply['usage'] & object {
  const content = reply.content ?? '';
  const usage = usageOf(request, reply);
  const base = { id: 'chatcmpl-fake', created: Math.floor(Date.now() / 1000), model: request.model };
  if (request.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const third = Math.ceil(content.length / 3) || 1;
    const parts = [content.slice(0, third), content.slice(third, 2 * third), content.slice(2 * third)];
    const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    for (const [i, part] of parts.entries())
      send({
        ...base,
        object: 'chat.completion.chunk',
        choices: [
          {
            index: 0,
            delta: i === 0 ? { role: 'assistant', content: part } : { content: part },
            finish_reason: null,
          },
        ],
      });
    send({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? 'stop' }],
    });
    send({
      ...base,
      object: 'chat.completion.chunk',
      choices: [],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
    res.end('data: [DONE]\n\n');
    return usage;
  }
  sendJson(res, 200, completionOf(request, reply, usage));
  return usage;
}

/** Runs `fn` against a fake server started for it, and closes the server whatever happens. */
export async function withFakeOpenAI<T>(
  script: Responder | FakeReply[],
  fn: (server: FakeServer) => Promise<T>,
  batchOptions: FakeBatchOptions = {},
): Promise<T> {
  const server = await startFakeOpenAI(script, batchOptions);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** Replies from a list, in order (the last one repeats), or from a function of the request. */
export async function startFakeOpenAI(
  script: Responder | FakeReply[],
  batchOptions: FakeBatchOptions = {},
): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const usages: FakeServer['usages'] = [];
  const batches: FakeBatch[] = [];
  const files: FakeServer['files'] = new Map();
  let served = 0;
  const respond: Responder = Array.isArray(script)
    ? (_r, i) => script[Math.min(i, script.length - 1)]!
    : script;
  const notFound = (res: ServerResponse, what = 'not found') =>
    sendJson(res, 404, { error: { message: what, type: 'invalid_request_error' } });
  const batchObject = (b: FakeBatch & { outputFileId?: string; errorFileId?: string; counts?: object }) => ({
    id: b.id,
    object: 'batch',
    endpoint: b.endpoint,
    input_file_id: b.inputFileId,
    completion_window: b.completionWindow,
    status: b.status,
    created_at: b.createdAt,
    request_counts: b.counts ?? { total: b.lines.length, completed: 0, failed: 0 },
    ...(b.outputFileId ? { output_file_id: b.outputFileId } : {}),
    ...(b.errorFileId ? { error_file_id: b.errorFileId } : {}),
    ...(b.status === 'failed'
      ? {
          errors: {
            object: 'list',
            data: [{ code: 'scripted_failure', message: 'the batch failed (scripted)', line: null }],
          },
        }
      : {}),
  });
  const addFile = (content: string, purpose: string, filename: string) => {
    const id = `file-${files.size + 1}`;
    files.set(id, { content, purpose, filename });
    return id;
  };
  /** Runs a batch's lines through the responder: output and error files, as the Batch API writes them. */
  const finishBatch = (
    b: FakeBatch & { outputFileId?: string; errorFileId?: string; counts?: object },
    index: number,
  ) => {
    const outcome = batchOptions.outcome?.(index) ?? 'completed';
    if (outcome === 'failed') {
      b.status = 'failed';
      return;
    }
    const answered = outcome === 'expired' ? b.lines.slice(0, Math.ceil(b.lines.length / 2)) : b.lines;
    const out: string[] = [];
    const err: string[] = [];
    for (const line of answered) {
      const reply = respond(line.body, requests.length);
      requests.push(line.body);
      if (reply.status) {
        err.push(
          JSON.stringify({
            id: `batch_req_${out.length + err.length + 1}`,
            custom_id: line.custom_id,
            response: {
              status_code: reply.status,
              request_id: 'req',
              body: { error: { message: `scripted ${reply.status}`, type: 'server_error' } },
            },
            error: null,
          }),
        );
        continue;
      }
      served++;
      const usage = usageOf(line.body, reply);
      usages.push(usage);
      out.push(
        JSON.stringify({
          id: `batch_req_${out.length + err.length + 1}`,
          custom_id: line.custom_id,
          response: { status_code: 200, request_id: 'req', body: completionOf(line.body, reply, usage) },
          error: null,
        }),
      );
    }
    if (out.length) b.outputFileId = addFile(out.join('\n') + '\n', 'batch_output', `${b.id}_output.jsonl`);
    if (err.length) b.errorFileId = addFile(err.join('\n') + '\n', 'batch_output', `${b.id}_error.jsonl`);
    b.counts = { total: b.lines.length, completed: out.length, failed: err.length };
    b.status = outcome;
  };
  const batchRoutes = async (req: IncomingMessage, res: ServerResponse, url: string) => {
    if (req.method === 'POST' && url === '/v1/files') {
      const form = await new Request('http://fake/v1/files', {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: await readBody(req),
      }).formData();
      const file = form.get('file');
      const purpose = String(form.get('purpose') ?? '');
      if (!(file instanceof Blob) || purpose !== 'batch')
        return sendJson(res, 400, {
          error: { message: 'need a file and purpose "batch"', type: 'invalid_request_error' },
        });
      const content = await file.text();
      const filename = (file as File).name ?? 'upload.jsonl';
      const id = addFile(content, purpose, filename);
      return sendJson(res, 200, {
        id,
        object: 'file',
        bytes: Buffer.byteLength(content),
        created_at: 0,
        filename,
        purpose,
        status: 'processed',
      });
    }
    let m = /^\/v1\/files\/([^/]+)\/content$/.exec(url);
    if (req.method === 'GET' && m) {
      const file = files.get(m[1]!);
      if (!file) return notFound(res, `no file ${m[1]}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(file.content);
    }
    if (req.method === 'POST' && url === '/v1/batches') {
      const body = JSON.parse((await readBody(req)).toString()) as {
        input_file_id: string;
        endpoint: string;
        completion_window: string;
      };
      const input = files.get(body.input_file_id);
      if (!input) return notFound(res, `no file ${body.input_file_id}`);
      const batch: FakeBatch = {
        id: `batch_${batches.length + 1}`,
        inputFileId: body.input_file_id,
        endpoint: body.endpoint,
        completionWindow: body.completion_window,
        lines: input.content
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as FakeBatch['lines'][number]),
        status: 'validating',
        polls: 0,
        createdAt: Math.floor(Date.now() / 1000),
      };
      batches.push(batch);
      return sendJson(res, 200, batchObject(batch));
    }
    if (req.method === 'GET' && url === '/v1/batches') {
      const data = [...batches].reverse().map(batchObject);
      return sendJson(res, 200, {
        object: 'list',
        data,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
        has_more: false,
      });
    }
    m = /^\/v1\/batches\/([^/]+)$/.exec(url);
    if (req.method === 'GET' && m) {
      const index = batches.findIndex((b) => b.id === m![1]);
      const batch = batches[index];
      if (!batch) return notFound(res, `no batch ${m[1]}`);
      batch.polls++;
      if (batch.status === 'validating' || batch.status === 'in_progress') {
        const polls = batchOptions.polls ?? 2;
        if (batch.polls >= (typeof polls === 'number' ? polls : polls(index))) finishBatch(batch, index);
        else batch.status = 'in_progress';
      }
      return sendJson(res, 200, batchObject(batch));
    }
    return notFound(res);
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = (req.url ?? '').replace(/\?.*$/, '');
      if (url.startsWith('/v1/files') || url.startsWith('/v1/batches')) return batchRoutes(req, res, url);
      if (req.method !== 'POST' || !url.endsWith('/chat/completions')) return notFound(res);
      const request = JSON.parse((await readBody(req)).toString()) as FakeRequest;
      const index = requests.length;
      requests.push(request);
      const reply = respond(request, index);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed || req.socket.destroyed) return;
      if (reply.status) {
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          ...(reply.status === 429 ? { 'retry-after': '0' } : {}),
        });
        res.end(JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'server_error' } }));
        return;
      }
      served++;
      usages.push(answer(res, request, reply));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    served: () => served,
    usages,
    batches,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const NAMES = ['Maya', 'Owen', 'Lena', 'Tom', 'Iris', 'Sam'];

const hashOf = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);

/**
 * Plays every role of the psygraph pipeline with valid, deterministic replies: scene, conversation,
 * checklist refinement, judge and role-play turns, told apart by their system prompts. Judge scores
 * depend on the request's index, so that k runs differ and give a standard deviation.
 */
export function pipelineResponder(): Responder {
  return (request, index) => {
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    const user = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    if (system.startsWith('You are a psychologist and screenwriter')) {
      const supporting = Number(/and (\d+) supporting/.exec(user)?.[1] ?? 1);
      const cast = NAMES.slice(0, supporting + 1);
      const profile = (name: string) => ({
        name,
        aboutSelf: `${name} is thirty, careful, warm, stubborn and proud; wants to be taken seriously.`,
        aboutOthers: cast
          .filter((n) => n !== name)
          .map((n) => `* **${n}**: an old colleague.`)
          .join('\n'),
      });
      return {
        content: JSON.stringify({
          storyBackground:
            'A small office late on Friday; a deadline looms and the team gathers around one desk.',
          charactersProfiles: {
            protagonist: profile(cast[0]!),
            supportingCharacter: cast.slice(1).map(profile),
          },
          analysis: `**Design Rationale**: each pattern shows at the deadline.\n**Expected Character Tendencies**:\n${cast.map((n) => `@ [${n}]: 1. Holds back; 2. Pushes on`).join('\n')}`,
        }),
      };
    }
    if (system.startsWith('You are a screenwriter and psychologist')) {
      const cast = (/Cast names: (.*)/.exec(user)?.[1] ?? 'Maya, Owen').split(', ');
      const order = [...cast.slice(1), cast[0]!];
      const lines = Array.from({ length: 14 }, (_, i) => {
        const name = order[(i + (14 % order.length)) % order.length]!;
        return `${name}: [Turn ${i + 1} matters to me.] (Leans in) We should settle step ${i + 1} before we leave tonight.`;
      });
      return { content: lines.join('\n') };
    }
    if (system.startsWith('You are a psychologist. Rewrite')) {
      const ids = [...user.matchAll(/^- \[([^\]]+)\]/gm)].map((m) => m[1]!);
      return {
        content: JSON.stringify({
          items: ids.map((id) => ({ id, text: `Observable behaviour for ${id}.` })),
        }),
      };
    }
    if (system.startsWith('You are a strict judge')) {
      const target = /TARGET character: (.*)/.exec(user)?.[1] ?? '';
      const turn = new RegExp(`^${target}: (.*)$`, 'm').exec(user)?.[1] ?? '';
      const evidence = turn.slice(0, 24);
      const ids = [...user.matchAll(/^- \[([^\]]+)\]/gm)].map((m) => m[1]!);
      const scores = Object.fromEntries(
        ids.map((id) => {
          const r = (hashOf(id) + index) % 5;
          const score = r < 3 ? 1 : r === 3 ? 0 : -1;
          return [id, { score, evidence: score ? evidence : '' }];
        }),
      );
      return { content: JSON.stringify({ scores }) };
    }
    const name = /^You are ([^.\n]+)\./.exec(system)?.[1] ?? 'Someone';
    return { content: `${name}: [Keep calm.] (Nods slowly) I hear you, and I will answer in my own time.` };
  };
}
