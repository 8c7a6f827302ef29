import { createHash } from 'node:crypto';
import type { Pattern } from './pattern.js';
import type { Relation } from './relation.js';

/** JSON with object keys sorted at every level, so that equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Content hash of a graph: patterns and relations sorted by id, keys sorted. Independent of file
 * order and of which store produced the objects, so the seed and Neo4j agree on it.
 */
export function graphHash(patterns: readonly Pattern[], relations: readonly Relation[]): string {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const body = canonicalJson({
    patterns: [...patterns].sort(byId),
    relations: [...relations].sort(byId),
  });
  return sha256(body).slice(0, 16);
}

/**
 * A fast 64-bit string hash (two multiplicative 32-bit lanes, in the style of cyrb53), as 16 hex
 * digits. Used for scenario ids, computed on the sampler's hot path where sha256 would cost more
 * than the sampling itself; 64 bits keep collisions negligible at millions of scenarios.
 */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
