/** What a scenario's cast must respect, checked from the outside: the rules a user relies on. */
import type { Catalog, Scenario } from '../../src/model/index.js';

/**
 * Every way a scenario's cast breaks the graph's rules: an EXCLUDES pair in one character, a
 * `within` edge split across two, a `between` edge inside one, near-twins in one character
 * (unless `twins` is `allow`). Returns human-readable lines (empty when the cast is sound).
 */
export function castViolations(
  catalog: Catalog,
  s: Scenario,
  twins: 'allow' | 'separate' | 'forbid' = 'separate',
): string[] {
  const owner = new Map<string, number>();
  s.characters.forEach((c, i) => c.patterns.forEach((p) => owner.set(p, i)));
  const inScenario = new Set(s.patterns);
  const out: string[] = [];
  for (const r of catalog.relations) {
    if (!inScenario.has(r.source) || !inScenario.has(r.target)) continue;
    const same = owner.get(r.source) === owner.get(r.target);
    if (r.type === 'EXCLUDES' && same) out.push(`${s.id}: ${r.id} in one character`);
    if (r.type === 'VARIANT_OF' && twins === 'forbid')
      out.push(`${s.id}: near-twins ${r.id} in one scenario`);
    if (r.type === 'VARIANT_OF' && twins === 'separate' && same)
      out.push(`${s.id}: ${r.id} in one character`);
    if ('scope' in r && r.scope === 'within' && !same) out.push(`${s.id}: within edge ${r.id} split`);
    if ('scope' in r && r.scope === 'between' && same)
      out.push(`${s.id}: between edge ${r.id} in one character`);
  }
  return out;
}
