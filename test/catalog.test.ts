/**
 * Quality checks on the shipped catalog: the numbers the research reports, the depth each entry
 * needs, and the tells of a lazy catalog (shared text, templated checklist items, placeholders).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, Pattern } from '../src/model/index.js';
import { loadSeed } from '../src/store/seed.js';
import { runCli } from './helpers/cli.js';
import { sentences } from './helpers/text.js';

interface InventoryEntry {
  id: string;
  name: string;
  kind: Pattern['kind'];
  dimension?: string;
  pole?: string;
  category?: string;
}
const inventory = JSON.parse(
  readFileSync(new URL('./fixtures/humanllm-inventory.json', import.meta.url), 'utf8'),
) as InventoryEntry[];

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadSeed();
});

const count = <T>(items: T[], key: (t: T) => string | undefined) =>
  items.reduce<Record<string, number>>((acc, t) => {
    const k = key(t) ?? '-';
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

/** A question reduced to its shape: lowercase, the pattern's own names blanked out, no punctuation. */
function shape(question: string, p: Pattern): string {
  let q = question.toLowerCase();
  for (const n of [p.name, ...(p.aliases ?? [])].sort((a, b) => b.length - a.length)) {
    q = q.split(n.toLowerCase()).join('_');
  }
  return q
    .replace(/[^a-z_ ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the pattern catalog', () => {
  it('has exactly the 244 reference patterns with their kind, dimension, pole and category', () => {
    expect(catalog.patterns).toHaveLength(244);
    const byId = new Map(catalog.patterns.map((p) => [p.id, p]));
    for (const ref of inventory) {
      const p = byId.get(ref.id);
      expect(p, ref.name).toBeDefined();
      expect(p).toMatchObject(ref);
    }
  });

  it('has 100 traits, 10 per dimension and pole, and 76 / 27 / 11 / 30 social-cognitive patterns', () => {
    const traits = catalog.patterns.filter((p) => p.kind === 'trait');
    expect(traits).toHaveLength(100);
    const byDimPole = count(traits, (p) => (p.kind === 'trait' ? `${p.dimension}${p.pole}` : undefined));
    expect(Object.values(byDimPole)).toEqual(Array(10).fill(10));
    const social = catalog.patterns.filter((p) => p.kind === 'social-cognitive');
    expect(count(social, (p) => (p.kind === 'social-cognitive' ? p.category : undefined))).toEqual({
      'cognitive-bias': 76,
      'social-influence': 27,
      evolutionary: 11,
      motivational: 30,
    });
  });

  it('has the 8 DIAMONDS situations and the 6 life domains, each defined', () => {
    expect(count(catalog.situations, (s) => s.family)).toEqual({ diamonds: 8, 'life-domain': 6 });
    for (const s of catalog.situations) expect(s.definition.length, s.id).toBeGreaterThan(60);
  });

  it('gives every pattern a 2-4 sentence definition and full mechanisms', () => {
    const problems: string[] = [];
    for (const p of catalog.patterns) {
      const n = sentences(p.definition).length;
      if (n < 2 || n > 4) problems.push(`${p.id}: definition has ${n} sentences`);
      if (p.definition.length < 120) problems.push(`${p.id}: definition under 120 characters`);
      for (const [k, v] of Object.entries(p.mechanisms)) {
        if (v.length < 50) problems.push(`${p.id}: mechanisms.${k} under 50 characters`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every pattern at least 4 concrete manifestations and 12-15 checklist questions', () => {
    const problems: string[] = [];
    for (const p of catalog.patterns) {
      if (p.manifestations.length < 4) problems.push(`${p.id}: ${p.manifestations.length} manifestations`);
      for (const m of p.manifestations)
        if (m.length < 25) problems.push(`${p.id}: short manifestation "${m}"`);
      if (p.checklist.length < 12 || p.checklist.length > 15)
        problems.push(`${p.id}: ${p.checklist.length} items`);
      for (const item of p.checklist) {
        if (!item.question.trim().endsWith('?')) problems.push(`${item.id}: not a question`);
        if (item.question.length < 30) problems.push(`${item.id}: too short to be specific`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('never names the pattern inside its own checklist questions', () => {
    const problems: string[] = [];
    for (const p of catalog.patterns) {
      const names = [p.name, ...(p.aliases ?? [])].map((n) => new RegExp(`\\b${escape(n)}\\b`, 'i'));
      for (const item of p.checklist) {
        if (names.some((re) => re.test(item.question))) problems.push(`${item.id}: ${item.question}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('shares no definition and no checklist item between patterns, even with the names swapped', () => {
    const definitions = new Map<string, string>();
    const items = new Map<string, string>();
    const problems: string[] = [];
    for (const p of catalog.patterns) {
      const d = shape(p.definition, p);
      if (definitions.has(d)) problems.push(`${p.id} repeats the definition of ${definitions.get(d)}`);
      definitions.set(d, p.id);
      for (const item of p.checklist) {
        const q = shape(item.question, p);
        if (items.has(q)) problems.push(`${item.id} repeats ${items.get(q)}: "${item.question}"`);
        items.set(q, item.id);
      }
    }
    expect(problems).toEqual([]);
  });

  it('contains no placeholder text', () => {
    const text = JSON.stringify(catalog);
    expect(text).not.toMatch(/\b(TODO|TBD|FIXME|lorem ipsum|placeholder|XXX)\b/i);
    // an ellipsis standing in for missing text (quoted speech that trails off is fine)
    expect(text).not.toMatch(/"\s*(\.\.\.|…)\s*"|\[(\.\.\.|…)\]|\((\.\.\.|…)\)/);
  });

  it('tells near-twins apart on both sides', () => {
    const twins: [string, string][] = [
      ['jealous', 'jealousy'],
      ['reactance', 'psychological-reactance-theory'],
      ['social-comparison-bias', 'social-comparison-theory'],
      ['in-group-bias', 'social-identity-theory'],
      ['authority-bias', 'obedience-to-authority'],
      ['bandwagon-effect', 'conformity'],
      ['stereotyping', 'implicit-stereotypes'],
      ['effort-justification', 'cognitive-dissonance-theory'],
      ['mortality-salience-and-legacy-drive', 'terror-management-theory'],
      ['observer-effect', 'observer-expectancy-effect'],
      ['delayed-reciprocity', 'reciprocity-principle'],
      ['asymmetrical-investment', 'asymmetrical-parental-investment'],
      ['bystander-effect', 'diffusion-of-responsibility'],
      ['group-attribution-error', 'ultimate-attribution-error'],
    ];
    const byId = new Map(catalog.patterns.map((p) => [p.id, p]));
    const missing: string[] = [];
    for (const [a, b] of twins) {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const d = byId.get(x)?.distinctFrom?.find((t) => t.id === y);
        if (!d || d.difference.length < 40) missing.push(`${x} -> ${y}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('resolves every pattern id from the CLI', async () => {
    const { code, stdout } = await runCli(['patterns', '--json'], {
      PSYGRAPH_DATA_DIR: '.psygraph/never-written',
    });
    expect(code).toBe(0);
    const ids = (JSON.parse(stdout) as Pattern[]).map((p) => p.id);
    expect(ids.sort()).toEqual(inventory.map((p) => p.id).sort());
    const { code: c2, stdout: shown } = await runCli(
      ['pattern', 'pleasure-principle-and-reality-principle'],
      {
        PSYGRAPH_DATA_DIR: '.psygraph/never-written',
      },
    );
    expect(c2).toBe(0);
    expect(shown).toContain('pleasure principle & reality principle');
  });
});
