/**
 * A local OpenAI-compatible server for tests (node:http on 127.0.0.1, a free port): it answers
 * /v1/chat/completions with scripted replies — plain, streamed (SSE), malformed, an HTTP error or
 * a delay longer than the client's timeout — and counts the calls it served.
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

export interface FakeServer {
  /** The base URL to give the openai client (…/v1). */
  url: string;
  /** Every request received, in order (including ones answered with errors). */
  requests: FakeRequest[];
  /** Requests answered with a reply (status 200). */
  served(): number;
  /** Token usage reported for every served reply. */
  usages: { prompt_tokens: number; completion_tokens: number }[];
  close(): Promise<void>;
}

const roughTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, request: FakeRequest, reply: FakeReply): FakeReply['usage'] & object {
  const content = reply.content ?? '';
  const usage = reply.usage ?? {
    prompt_tokens: roughTokens(request.messages.map((m) => m.content).join('\n')),
    completion_tokens: roughTokens(content),
  };
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
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      ...base,
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content }, finish_reason: reply.finishReason ?? 'stop' },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    }),
  );
  return usage;
}

/** Replies from a list, in order (the last one repeats), or from a function of the request. */
export async function startFakeOpenAI(script: Responder | FakeReply[]): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const usages: FakeServer['usages'] = [];
  let served = 0;
  const respond: Responder = Array.isArray(script)
    ? (_r, i) => script[Math.min(i, script.length - 1)]!
    : script;
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      const request = JSON.parse(await readBody(req)) as FakeRequest;
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
