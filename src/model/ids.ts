/** Stable identifiers: every id in psygraph is derived from content, never assigned. */

/** Kebab-case id of a pattern or situation name: lowercase, "&" becomes "and", other runs become "-". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

import type { CausalType, RelationType } from './vocabulary.js';
export { CAUSAL_TYPES, type CausalType, RELATION_TYPES, type RelationType } from './vocabulary.js';

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
