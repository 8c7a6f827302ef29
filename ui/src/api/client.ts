/**
 * The explorer's only way to the data: typed calls to /api/*. Failures become `ApiError`, so
 * the UI can tell "the server is down" (status 0) from "the server said no" (4xx with a code).
 */
import type {
  Annotation,
  AnnotationSetDetail,
  AnnotationSetSummary,
  ApiErrorBody,
  JudgeReveal,
  SaveAnnotationsResult,
  ExportFormat,
  GraphData,
  JudgeResult,
  LlmStatus,
  PatternDetail,
  PathsQuery,
  PathsResult,
  PromptRequest,
  PromptResponse,
  SampleRequest,
  SampleResponse,
  Scenario,
  Situation,
  Stats,
  TraitPair,
} from '../../../src/contract/types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when no server answered at all (network down, server stopped). */
  get unreachable(): boolean {
    return this.status === 0;
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && 'error' in body;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: init?.body ? { 'content-type': 'application/json' } : undefined,
    });
  } catch (cause) {
    throw new ApiError(0, 'unreachable', `The psygraph server did not answer (${String(cause)}).`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): fall through to the status code.
  }
  if (!response.ok) {
    if (isErrorBody(body)) {
      throw new ApiError(response.status, body.error.code, body.error.message, body.error.details);
    }
    const code = response.status >= 500 ? 'server_error' : 'http_error';
    throw new ApiError(response.status, code, `HTTP ${response.status} from ${path}`);
  }
  return body as T;
}

const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

export const api = {
  health: () => request<{ ok: boolean; backend: string }>('/api/health'),
  stats: () => request<Stats>('/api/stats'),
  graph: () => request<GraphData>('/api/graph'),
  pattern: (id: string) => request<PatternDetail>(`/api/patterns/${encodeURIComponent(id)}`),
  paths: (q: PathsQuery) => {
    const params = new URLSearchParams({ from: q.from, to: q.to });
    if (q.k) params.set('k', String(q.k));
    if (q.types?.length) params.set('types', q.types.join(','));
    if (q.maxLength) params.set('maxLength', String(q.maxLength));
    return request<PathsResult>(`/api/paths?${params}`);
  },
  traits: () => request<TraitPair[]>('/api/traits'),
  situations: () => request<Situation[]>('/api/situations'),
  sample: (body: SampleRequest) => request<SampleResponse>('/api/sample', post(body)),
  prompt: (body: PromptRequest) => request<PromptResponse>('/api/prompt', post(body)),
  scenarios: () => request<Scenario[]>('/api/scenarios'),
  scenario: (id: string) => request<Scenario>(`/api/scenarios/${encodeURIComponent(id)}`),
  saveScenarios: (scenarios: Scenario[]) =>
    request<{ saved: string[]; existing: string[] }>('/api/scenarios', post({ scenarios })),
  deleteScenario: (id: string) =>
    request<{ deleted: number }>(`/api/scenarios/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  exportUrl: (format: ExportFormat) => `/api/export?format=${format}`,
  llmStatus: () => request<LlmStatus>('/api/llm'),
  /** A saved scenario is named by id (and replaced in the library with its conversation). */
  synth: (scenario: Scenario, saved: boolean) =>
    request<{ scenario: Scenario; saved: boolean }>(
      '/api/llm/synth',
      post(saved ? { scenarioId: scenario.id, save: true } : { scenario }),
    ),
  judge: (scenario: Scenario, runs: number) =>
    request<JudgeResult>('/api/llm/judge', post({ scenario, runs })),
  annotationSets: () => request<AnnotationSetSummary[]>('/api/annotation-sets'),
  annotationSet: (id: string) =>
    request<AnnotationSetDetail>(`/api/annotation-sets/${encodeURIComponent(id)}`),
  annotations: (id: string, annotator: string) =>
    request<Annotation[]>(
      `/api/annotation-sets/${encodeURIComponent(id)}/annotations?${new URLSearchParams({ annotator, pass: '1' })}`,
    ),
  saveAnnotations: (id: string, annotations: Annotation[]) =>
    request<SaveAnnotationsResult>(`/api/annotation-sets/${encodeURIComponent(id)}/annotations`, {
      method: 'PUT',
      body: JSON.stringify({ annotations }),
    }),
  revealJudge: (id: string, annotator: string) =>
    request<JudgeReveal>(
      `/api/annotation-sets/${encodeURIComponent(id)}/judge?${new URLSearchParams({ annotator })}`,
    ),
};
