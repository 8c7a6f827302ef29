/**
 * The words of the data contract: relation types, scopes, families, motifs, strategies and output
 * formats. This module imports nothing, so the explorer's bundle takes these lists as they are;
 * the model, the prompt compiler and the exporters define their schemas from them.
 */
export const RELATION_TYPES = ['REINFORCES', 'CONFLICTS', 'MODULATES', 'EXCLUDES', 'VARIANT_OF'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

/**
 * The causal types: the ones a scenario's dynamics are made of. EXCLUDES (a constraint) and
 * VARIANT_OF (a structural link between near-twins) are not causes and are never walked.
 */
export const CAUSAL_TYPES = [
  'REINFORCES',
  'CONFLICTS',
  'MODULATES',
] as const satisfies readonly RelationType[];
export type CausalType = (typeof CAUSAL_TYPES)[number];

/**
 * Who a causal edge acts within: `within` one mind (both patterns belong to one character),
 * `between` two people (the source in one character acts on the target in another), or `either`.
 */
export const SCOPES = ['within', 'between', 'either'] as const;
export type Scope = (typeof SCOPES)[number];

export const DIMENSIONS = [
  'extraversion',
  'agreeableness',
  'conscientiousness',
  'emotional-stability',
  'openness',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const CATEGORIES = ['cognitive-bias', 'social-influence', 'evolutionary', 'motivational'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A pattern's family: its Big-Five dimension (traits) or its category (social-cognitive). */
export const FAMILIES = [...DIMENSIONS, ...CATEGORIES] as const;
export type Family = (typeof FAMILIES)[number];

export const MOTIFS = [
  'reinforcing-chain',
  'conflict-pair',
  'conflict-triangle',
  'modulated-edge',
  'unbalanced-triangle',
  'mixed',
] as const;
export type Motif = (typeof MOTIFS)[number];

export const STRATEGIES = ['walk', 'coverage', 'motif', 'humanllm', 'manual'] as const;
export type Strategy = (typeof STRATEGIES)[number];
/** The strategies a sample request may name (`manual` marks scenarios made by hand). */
export const SAMPLE_STRATEGIES = [
  'walk',
  'coverage',
  'motif',
  'humanllm',
] as const satisfies readonly Strategy[];

export const PROMPT_FORMATS = ['markdown', 'openai', 'sharegpt', 'roleplay'] as const;
export type PromptFormat = (typeof PROMPT_FORMATS)[number];

export const EXPORT_FORMATS = ['json', 'gexf', 'graphml', 'cypher'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
