/** The HTTP API's shapes, as the explorer reads them (see the API contract). */

export const RELATION_TYPES = ['REINFORCES', 'CONFLICTS', 'MODULATES', 'EXCLUDES', 'VARIANT_OF'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export const DIMENSIONS = [
  'extraversion',
  'agreeableness',
  'conscientiousness',
  'emotional-stability',
  'openness',
] as const;
export const CATEGORIES = ['cognitive-bias', 'social-influence', 'evolutionary', 'motivational'] as const;
export const FAMILIES = [...DIMENSIONS, ...CATEGORIES] as const;
export type Family = (typeof FAMILIES)[number];
export type PatternKind = 'trait' | 'social-cognitive';
export type Pole = '+' | '-';
export const SCOPES = ['within', 'between', 'either'] as const;
export type Scope = (typeof SCOPES)[number];

export interface GraphNode {
  id: string;
  name: string;
  kind: PatternKind;
  family: string;
  pole?: Pole;
  aliases: string[];
  degree: number;
}

export interface GraphEdge {
  id: string;
  type: RelationType;
  source: string;
  target: string;
  strength: number;
  scope?: Scope;
}

export interface GraphData {
  graphHash: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Pattern {
  id: string;
  name: string;
  kind: PatternKind;
  dimension?: string;
  pole?: Pole;
  category?: string;
  definition: string;
  mechanisms: { cognitive: string; emotional: string; behavioral: string };
  manifestations: string[];
  checklist: { id: string; question: string }[];
  aliases?: string[];
  references?: string[];
  marker?: { facet: string; sense: string; notSenses: string[] };
  distinctFrom?: { id: string; difference: string }[];
}

export interface Relation {
  id: string;
  type: RelationType;
  source: string;
  target: string;
  strength: number;
  rationale: string;
  evidence: { status: string; sources: string[] };
  provenance: string;
  condition?: string;
  effect?: string;
  scope?: Scope;
  link?: string;
}

export interface Neighbour {
  direction: 'out' | 'in' | 'both';
  relation: Relation;
  pattern: { id: string; name: string; kind: PatternKind };
}

export interface PatternDetail {
  pattern: Pattern;
  neighbours: Record<RelationType, Neighbour[]>;
}

export interface Situation {
  id: string;
  name: string;
  family: string;
  definition: string;
}

export interface Character {
  role: 'protagonist' | 'supporting';
  patterns: string[];
  name?: string;
}

export interface Turn {
  char: string;
  content: string;
}

export type Motif =
  | 'reinforcing-chain'
  | 'conflict-pair'
  | 'conflict-triangle'
  | 'modulated-edge'
  | 'unbalanced-triangle'
  | 'mixed';

export interface Scenario {
  id: string;
  patterns: string[];
  relations: string[];
  motif: Motif | null;
  situation: string;
  characters: Character[];
  strategy: SampleStrategy | 'manual';
  seed: number;
  graphHash: string;
  storyBackground?: string;
  analysis?: string;
  conversation?: Turn[];
  /** Synthesis output the explorer passes through untouched. */
  charactersProfiles?: unknown;
  conversation_checklist?: Record<string, string[]>;
  provenance?: {
    model: string;
    promptHash: string;
    usage?: { promptTokens: number; completionTokens: number };
    createdAt?: string;
  };
}

export const STRATEGIES = ['walk', 'coverage', 'motif', 'humanllm'] as const;
export type SampleStrategy = (typeof STRATEGIES)[number];

export interface SampleRequest {
  n: number;
  seed?: number;
  strategy?: SampleStrategy;
  size?: [number, number];
  include?: string[];
  exclude?: string[];
  situations?: string[];
}

export interface SampleReport {
  requested: number;
  produced: number;
  attempts: number;
  duplicates: number;
  failures: Record<string, number>;
}

export interface SampleResponse {
  scenarios: Scenario[];
  report: SampleReport;
}

export const PROMPT_FORMATS = ['markdown', 'openai', 'sharegpt', 'roleplay'] as const;
export type PromptFormat = (typeof PROMPT_FORMATS)[number];

export interface PromptRequest {
  scenario?: Scenario;
  scenarioId?: string;
  patterns?: string[];
  situation?: string;
  format: PromptFormat;
  budget?: number;
}

export interface Receipt {
  encoding: string;
  budget: number | null;
  sections: Record<string, number>;
  total: number;
  overBudget: boolean;
  shortened: { pattern: string; field: string; to: string }[];
  promptHash: string;
}

export interface PromptResponse {
  prompt?: string;
  messages?: unknown;
  records?: unknown;
  receipt: Receipt;
}

export interface Stats {
  patterns: number;
  relations: number;
  byType: Record<RelationType, number>;
  situations: number;
  scenarios: number;
  graphHash: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const EXPORT_FORMATS = ['json', 'gexf', 'graphml', 'cypher'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** GET /api/llm: whether the server has a model for the LLM routes. */
export interface LlmStatus {
  configured: boolean;
  model: string | null;
  judgeModel: string | null;
  maxCost: number | null;
  spent: number;
  calls: number;
  cacheHits: number;
}

export interface ScoredItem {
  id: string;
  level: 'scenario' | 'pattern';
  character: string;
  text: string;
  pattern?: string;
  relation?: string;
  relationType?: string;
  /** +1 shown, 0 not shown, −1 contradicted. */
  score: 1 | 0 | -1;
  evidence: string;
}

export interface Judgement {
  id: string;
  scenarioId: string;
  model: string;
  judgeModel: string;
  character: string;
  runs: ScoredItem[][];
}

export interface MeanSd {
  mean: number | null;
  sd: number | null;
  runs: number;
  samples: number;
}

export interface JudgeResult {
  judgements: Judgement[];
  metrics: { ipe: MeanSd; mpd: MeanSd; byRelationType: Record<string, MeanSd> };
}

/** GET /api/paths (see src/analysis/paths.ts for the sign rules). */
export type PathSign = '+' | '-' | '~';
export interface PathStep {
  relation: string;
  type: RelationType;
  from: string;
  to: string;
  forward: boolean;
  strength: number;
  sign: PathSign;
  rationale: string;
  scope?: Scope;
  effect?: 'amplifies' | 'suppresses' | 'redirects';
  condition?: string;
}
export interface PatternPath {
  patterns: string[];
  steps: PathStep[];
  strength: number;
  sign: PathSign;
  reading: string;
}
export interface PathsResult {
  from: string;
  to: string;
  k: number;
  types: RelationType[];
  maxLength: number;
  paths: PatternPath[];
  message?: string;
}
export interface PathsQuery {
  from: string;
  to: string;
  k?: number;
  types?: RelationType[];
  maxLength?: number;
}

/** GET /api/traits: one verdict per unordered trait pair. */
export type TraitVerdict = 'EXCLUDES' | 'CONFLICTS' | 'MODULATES' | 'REINFORCES' | 'compatible';
export interface TraitPair {
  a: string;
  b: string;
  verdict: TraitVerdict;
  relations?: string[];
  reason?: string;
}
