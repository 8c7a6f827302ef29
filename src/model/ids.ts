/** Stable identifiers: every id in psygraph is derived from content, never assigned. */

/** Kebab-case id of a pattern or situation name: lowercase, "&" becomes "and", other runs become "-". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

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
 * Symmetric types are stored once, with source < target. VARIANT_OF is symmetric only for twins
 * (see isStoredOnce); as a type it is directed ("source is a kind / part of target").
 */
export function isSymmetric(type: RelationType): boolean {
  return type === 'CONFLICTS' || type === 'EXCLUDES';
}

/** Whether a relation is symmetric and so stored once with source < target. */
export function isStoredOnce(relation: { type: RelationType; link?: string }): boolean {
  return isSymmetric(relation.type) || (relation.type === 'VARIANT_OF' && relation.link === 'twin');
}

export function isCausal(type: RelationType): type is CausalType {
  return type === 'REINFORCES' || type === 'CONFLICTS' || type === 'MODULATES';
}

export function relationId(type: RelationType, source: string, target: string): string {
  return `${source}--${type}--${target}`;
}
