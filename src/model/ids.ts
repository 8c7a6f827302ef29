/** Stable identifiers: every id in psygraph is derived from content, never assigned. */

/** Kebab-case id of a pattern or situation name: lowercase, "&" becomes "and", other runs become "-". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const RELATION_TYPES = ['REINFORCES', 'CONFLICTS', 'MODULATES', 'EXCLUDES'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

/** The causal types: the ones a scenario's dynamics are made of. EXCLUDES is a constraint, not a cause. */
export const CAUSAL_TYPES = [
  'REINFORCES',
  'CONFLICTS',
  'MODULATES',
] as const satisfies readonly RelationType[];
export type CausalType = (typeof CAUSAL_TYPES)[number];

/** Symmetric types are stored once, with source < target. */
export function isSymmetric(type: RelationType): boolean {
  return type === 'CONFLICTS' || type === 'EXCLUDES';
}

export function isCausal(type: RelationType): type is CausalType {
  return type !== 'EXCLUDES';
}

export function relationId(type: RelationType, source: string, target: string): string {
  return `${source}--${type}--${target}`;
}
