/**
 * The prompt compiler as a user meets it: every sampled edge and pattern in every format at any
 * budget, receipts that add up to the tokenizer's own count, shortening in the promised order,
 * and ShareGPT records that never leak another character's inner thought.
 */
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { type Catalog, InvalidInputError, type Relation, type Scenario, sha256 } from '../src/model/index.js';
import {
  type Encoding,
  type PromptContext,
  type Receipt,
  compilePrompt,
  compileRoleplayPrompt,
  createPromptContext,
  draftScenario,
  renderPrompt,
  resolveScenario,
  resolveTemplates,
  sharegptRecords,
  stripThoughts,
  toChatMessages,
} from '../src/prompt/index.js';
import { sampleScenarios } from '../src/sample/sample.js';
import { syntheticCatalog } from '../src/sample/synthetic.js';
import { makePattern, miniCatalog } from './helpers/catalog.js';

const synthetic = syntheticCatalog(244, 12, 7);
const sampled = sampleScenarios(synthetic, { n: 300, seed: 11, characters: [1, 3] }).scenarios;
const syntheticCtx = createPromptContext(synthetic);
const TIGHT = 120;

const edgeText = (catalog: Catalog, r: Relation) => {
  const name = (id: string) => catalog.patterns.find((p) => p.id === id)!.name;
  return `${name(r.source)} ${r.type} ${name(r.target)}`;
};
const relationsOf = (ctx: PromptContext, s: Scenario) => s.relations.map((id) => ctx.relations.get(id)!);

/** A written scene: a supporting character opens, the protagonist closes, each turn has a secret thought. */
function withConversation(s: Scenario, ctx: PromptContext): Scenario {
  const labels = resolveScenario(s, ctx).cast.map((c) => c.label);
  const order = [...labels.slice(1), labels[0]!];
  const conversation = Array.from({ length: order.length * 2 }, (_, k) => {
    const who = order[k % order.length]!;
    return { char: who, content: `[secret-${who}-${k} thinks] (acts ${k}) says line ${k}` };
  });
  return { ...s, conversation };
}

describe('every sampled edge survives', () => {
  it.each([undefined, TIGHT])('in every format, for 300 sampled scenarios (budget %s)', (budget) => {
    let shortenedSomething = false;
    for (const s of sampled) {
      const edges = relationsOf(syntheticCtx, s);
      const opts = budget === undefined ? {} : { budget };
      const markdown = compilePrompt(s, syntheticCtx, opts);
      shortenedSomething ||= markdown.receipt.shortened.length > 0;
      const openai = toChatMessages(markdown)
        .map((m) => m.content)
        .join('');
      for (const r of edges) {
        expect(markdown.text).toContain(edgeText(synthetic, r));
        expect(openai).toContain(edgeText(synthetic, r));
      }
      for (const id of s.patterns) expect(markdown.text).toContain(`### ${id} (`);

      const cast = resolveScenario(s, syntheticCtx).cast;
      const sharegpt = sharegptRecords(withConversation(s, syntheticCtx), syntheticCtx, opts);
      expect(sharegpt).toHaveLength(cast.length);
      cast.forEach((member, i) => {
        const mine = new Set(member.patterns.map((p) => p.id));
        const touching = edges.filter((r) => mine.has(r.source) || mine.has(r.target));
        const roleplay = compileRoleplayPrompt(s, syntheticCtx, i, opts).text;
        for (const r of touching) {
          expect(roleplay).toContain(edgeText(synthetic, r));
          expect(sharegpt[i]!.record.system).toContain(edgeText(synthetic, r));
        }
        for (const p of member.patterns) expect(roleplay).toContain(`### ${p.name} (`);
      });
      // across a scenario's records, every edge is in some character's system prompt
      const systems = sharegpt.map((x) => x.record.system).join('\n');
      for (const r of edges) expect(systems).toContain(edgeText(synthetic, r));
    }
    if (budget !== undefined) expect(shortenedSomething).toBe(true);
  });
});

/** Pattern texts with the characters tokenizers treat specially: quotes, digits, dashes, emoji. */
function richCatalog(): Catalog {
  const base = miniCatalog();
  const patterns = base.patterns.map((p, i) =>
    makePattern(
      p.name,
      p.kind === 'trait'
        ? { kind: 'trait', dimension: p.dimension as 'extraversion', pole: p.pole }
        : { kind: 'social-cognitive', category: p.category as 'cognitive-bias' },
      {
        definition: `It's the ${p.name} pattern — seen in 12 of 13 naïve reports (p < .05). "Quoted" and/or (bracketed) text follows. Third sentence 🙂 ends here.`,
        manifestations: [
          `Says 'I'd rather not' ${i}.`,
          'Counts 1, 22, 333.',
          '  Leading spaces.',
          'Ends with a slash /',
        ],
        mechanisms: {
          cognitive: 'Thinks: "what if?"',
          emotional: 'Feels — a lot.',
          behavioral: 'Does 3 things.',
        },
      },
    ),
  );
  return { ...base, patterns };
}

function expectReceiptAddsUp(receipt: Receipt, text: string, encoding: Encoding) {
  const sum = Object.values(receipt.sections).reduce((a, b) => a + b, 0);
  expect(sum).toBe(receipt.total);
  const exact = encoding === 'o200k_base' ? countO200k(text) : countCl100k(text);
  expect(receipt.total).toBe(exact);
  expect(receipt.promptHash).toBe(sha256(text));
  expect(receipt.encoding).toBe(encoding);
}

describe('receipts', () => {
  it.each(['o200k_base', 'cl100k_base'] as const)(
    'add up to the tokenizer’s count of the text, at any budget (%s)',
    (encoding) => {
      const ctx = createPromptContext(synthetic, { encoding });
      for (const s of sampled.slice(0, 60)) {
        for (const budget of [undefined, 300, 40]) {
          const opts = budget === undefined ? {} : { budget };
          const c = compilePrompt(s, ctx, opts);
          expectReceiptAddsUp(c.receipt, c.text, encoding);
          expect(c.receipt.overBudget).toBe(budget !== undefined && c.receipt.total > budget);
          const r = compileRoleplayPrompt(s, ctx, 0, opts);
          expectReceiptAddsUp(r.receipt, r.text, encoding);
        }
      }
      const rich = richCatalog();
      const richCtx = createPromptContext(rich, { encoding });
      for (const seed of [1, 2, 3, 4, 5]) {
        const s = draftScenario(rich, {
          patterns: ['talkative', 'spotlight-effect', 'insecure', 'conformity'],
          situation: 'adversity',
          seed,
        });
        for (const budget of [undefined, 350, 200]) {
          const c = compilePrompt(s, richCtx, budget === undefined ? {} : { budget });
          expectReceiptAddsUp(c.receipt, c.text, encoding);
        }
      }
    },
  );

  it('stay exact with a user template that defeats the per-part count', () => {
    const templates = resolveTemplates({ headings: { patterns: '/Patterns', relations: '//Edges' } });
    const ctx = createPromptContext(synthetic, { templates });
    for (const s of sampled.slice(0, 20)) {
      const c = compilePrompt(s, ctx);
      expectReceiptAddsUp(c.receipt, c.text, 'o200k_base');
    }
  });

  it('lists the sections in order and is deterministic', () => {
    const [s] = sampled;
    const a = compilePrompt(s!, syntheticCtx, { budget: 200 });
    const b = compilePrompt(s!, createPromptContext(synthetic), { budget: 200 });
    expect(Object.keys(a.receipt.sections)).toEqual([
      'task',
      'patterns',
      'relations',
      'situation',
      'cast',
      'dynamics',
      'format',
    ]);
    expect(b.text).toBe(a.text);
    expect(b.receipt).toEqual(a.receipt);
    expect(
      toChatMessages(a)
        .map((m) => m.content)
        .join(''),
    ).toBe(a.text);
  });
});

describe('the token budget', () => {
  const catalog = richCatalog();
  const ctx = createPromptContext(catalog);
  const scenario = draftScenario(catalog, {
    patterns: ['talkative', 'spotlight-effect', 'insecure', 'conformity'],
    situation: 'adversity',
  });
  const full = compilePrompt(scenario, ctx);

  it('shortens manifestations, then mechanisms, then definitions (first sentence, then the name)', () => {
    const c = compilePrompt(scenario, ctx, { budget: 1 });
    const kinds = c.receipt.shortened.map((x) => `${x.field}:${x.to}`);
    const rank = (k: string) =>
      [
        'manifestations:dropped',
        'mechanisms:dropped',
        'definition:first-sentence',
        'definition:name-only',
      ].indexOf(k);
    expect(kinds.map(rank)).toEqual([...kinds.map(rank)].sort((a, b) => a - b));
    expect(new Set(kinds).size).toBe(4);
    expect(c.receipt.shortened).toHaveLength(4 * scenario.patterns.length);
    expect(c.receipt.overBudget).toBe(true);
    for (const p of scenario.patterns)
      expect(c.text).toContain(`### ${catalog.patterns.find((x) => x.id === p)!.name} (`);
    expect(c.text).not.toContain('naïve reports');
  });

  it('stops as soon as the prompt fits, keeping the rest of the text', () => {
    const one = compilePrompt(scenario, ctx, { budget: full.receipt.total - 1 }).receipt.shortened;
    expect(one).toEqual([{ pattern: expect.any(String), field: 'manifestations', to: 'dropped' }]);
    // the protagonist's patterns are shortened last
    expect(scenario.characters[0]!.patterns).not.toContain(one[0]!.pattern);
    let previous: Receipt['shortened'] = [];
    for (let budget = full.receipt.total; budget > 0; budget -= 7) {
      const c = compilePrompt(scenario, ctx, { budget });
      const steps = c.receipt.shortened;
      // a tighter budget only adds steps after the ones a looser budget took
      expect(steps.slice(0, previous.length)).toEqual(previous);
      if (c.receipt.overBudget) expect(steps).toHaveLength(4 * scenario.patterns.length);
      else expect(c.receipt.total).toBeLessThanOrEqual(budget);
      previous = steps;
    }
  });

  it('leaves a prompt within budget untouched', () => {
    const c = compilePrompt(scenario, ctx, { budget: full.receipt.total });
    expect(c.text).toBe(full.text);
    expect(c.receipt.shortened).toEqual([]);
    expect(c.receipt.budget).toBe(full.receipt.total);
  });
});

describe('expected dynamics', () => {
  const catalog = miniCatalog();
  const ctx = createPromptContext(catalog);
  const patterns = ['conformity', 'talkative', 'insecure'];

  it('calls a CONFLICTS pair inside one character an inner conflict', () => {
    const s = draftScenario(catalog, { patterns, situation: 'adversity', conflicts: 'inner' });
    const text = compilePrompt(s, ctx).text;
    expect(text).toMatch(
      /Inner conflict in (Protagonist|Supporting character 1): conformity against talkative/,
    );
    expect(text).not.toContain('Interpersonal conflict');
  });

  it('calls a CONFLICTS pair across two characters interpersonal, and states MODULATES conditions', () => {
    const s = draftScenario(catalog, { patterns, situation: 'adversity', conflicts: 'split' });
    const text = compilePrompt(s, ctx).text;
    expect(text).toContain('Interpersonal conflict: ');
    expect(text).toMatch(/'s conformity clashes with .*'s talkative/);
    const m = draftScenario(catalog, { patterns: ['spotlight-effect', 'talkative'], situation: 'adversity' });
    expect(compilePrompt(m, ctx).text).toContain('suppresses');
    expect(compilePrompt(m, ctx).text).toContain('When others watch (Adversity).');
  });

  it('shows two manifestations per pattern, chosen from the scenario id', () => {
    const s = draftScenario(catalog, { patterns, situation: 'adversity' });
    const text = compilePrompt(s, ctx).text;
    const shown = catalog.patterns
      .find((p) => p.id === 'talkative')!
      .manifestations.filter((m) => text.includes(m));
    expect(shown).toHaveLength(2);
  });
});

describe('ShareGPT', () => {
  it('never shows a character another character’s inner thought', () => {
    for (const s of sampled.slice(0, 100)) {
      const scene = withConversation(s, syntheticCtx);
      for (const item of sharegptRecords(scene, syntheticCtx)) {
        const turns = item.record.conversations;
        expect(turns[0]!.from).toBe('human');
        expect(turns.at(-1)!.from).toBe('gpt');
        turns.forEach((t, i) => expect(t.from).toBe(i % 2 ? 'gpt' : 'human'));
        const others = scene.conversation!.filter((t) => t.char !== item.character);
        const everything = JSON.stringify(item.record);
        for (const t of others) expect(everything).not.toContain(`secret-${t.char}-`);
        const own = turns
          .filter((t) => t.from === 'gpt')
          .map((t) => t.value)
          .join('\n');
        expect(own).toContain(`secret-${item.character}-`);
      }
    }
  });

  it('strips thoughts, even unclosed ones, and keeps actions and speech', () => {
    expect(stripThoughts('[no one hears] (smiles) Hello [again] there')).toBe('(smiles) Hello there');
    expect(stripThoughts('(nods) Fine. [but I am not')).toBe('(nods) Fine.');
  });

  it('explains that a draft without a conversation has no ShareGPT record, naming it', () => {
    const [s] = sampled;
    expect(() => renderPrompt(s!, syntheticCtx, 'sharegpt')).toThrow(InvalidInputError);
    expect(() => renderPrompt(s!, syntheticCtx, 'sharegpt')).toThrow(
      new RegExp(`scenario ${s!.id} has no conversation`),
    );
  });
});

describe('templates', () => {
  it('override any part from a JSON object', () => {
    const templates = resolveTemplates({
      headings: { task: '## Your job' },
      formatRules: ['- Write exactly 14 turns.'],
    });
    const ctx = createPromptContext(miniCatalog(), { templates });
    const s = draftScenario(miniCatalog(), { patterns: ['talkative', 'insecure'], situation: 'adversity' });
    const text = compilePrompt(s, ctx).text;
    expect(text.startsWith('## Your job\n')).toBe(true);
    expect(text).toContain('- Write exactly 14 turns.');
    expect(text).not.toContain('12-20 speaking turns');
  });

  it('reject unknown keys, wrong types and unknown placeholders, naming the path', () => {
    const problems = (value: unknown) => {
      try {
        resolveTemplates(value, 'mine.json');
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as InvalidInputError).problems.map((p) => `${p.path}: ${p.message}`);
      }
      return [];
    };
    expect(problems({ headings: { tsk: 'x' } }).join()).toMatch(/headings/);
    expect(problems({ formatRules: 'one string' }).join()).toMatch(/formatRules/);
    expect(problems({ relations: { line: '{source} -> {tgt}' } })).toEqual([
      expect.stringMatching(/^relations\.line: unknown placeholder \{tgt\}/),
    ]);
  });
});
