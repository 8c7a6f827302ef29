/**
 * Prompts and scenario checklists read each edge by its scope: a `between` edge as one person's
 * pattern acting on another's, a `within` edge as a pull inside one mind — and when a hand-made
 * cast places an edge against its scope, the text follows the scope rather than the cast.
 */
import { describe, expect, it } from 'vitest';
import { type LlmClient, compileChecklist, judgeCharacter } from '../src/llm/index.js';
import { type Catalog, InvalidInputError, type Relation, type Scenario } from '../src/model/index.js';
import {
  compilePrompt,
  compileRoleplayPrompt,
  createPromptContext,
  draftScenario,
} from '../src/prompt/index.js';
import { makeRelation, miniCatalog } from './helpers/catalog.js';

function catalogWithScopes(): Catalog {
  const c = miniCatalog();
  const scoped = (r: Relation, scope: 'within' | 'between' | 'either'): Relation =>
    ({ ...r, scope }) as Relation;
  c.relations = c.relations.map((r) =>
    r.id === 'insecure--REINFORCES--spotlight-effect'
      ? scoped(r, 'within')
      : r.id === 'conformity--CONFLICTS--talkative'
        ? scoped(r, 'between')
        : r.type === 'EXCLUDES'
          ? r
          : scoped(r, 'either'),
  );
  c.relations.push(
    makeRelation('MODULATES', 'loss-aversion', 'insecure', 0.4, {
      scope: 'between',
      condition: 'When a rival stands to lose (adversity).',
    } as Partial<Relation>),
  );
  return c;
}

const scenario = (characters: string[][]): Scenario => ({
  id: 'fixture',
  patterns: characters.flat().sort(),
  relations: [],
  motif: null,
  situation: 'adversity',
  characters: characters.map((patterns, i) => ({ role: i ? 'supporting' : 'protagonist', patterns })),
  strategy: 'manual',
  seed: 1,
  graphHash: 'test',
});

describe('edges phrased by scope', () => {
  const catalog = catalogWithScopes();
  const ctx = createPromptContext(catalog);

  it('names each edge’s scope in the relations section', () => {
    const s = {
      ...scenario([
        ['insecure', 'spotlight-effect'],
        ['conformity', 'talkative'],
      ]),
    };
    s.relations = ['conformity--CONFLICTS--talkative', 'insecure--REINFORCES--spotlight-effect'];
    const prompt = compilePrompt(s, ctx).text;
    expect(prompt).toContain('insecure REINFORCES spotlight effect (0.70, within one person)');
    expect(prompt).toContain("conformity CONFLICTS talkative (0.30, one person's on another's)");
  });

  it('keeps a within edge inside its character and a between edge across two', () => {
    const s = scenario([['insecure', 'spotlight-effect', 'conformity'], ['talkative']]);
    s.relations = ['conformity--CONFLICTS--talkative', 'insecure--REINFORCES--spotlight-effect'];
    const prompt = compilePrompt(s, ctx).text;
    expect(prompt).toMatch(/Within .+?, insecure strengthens spotlight effect/);
    expect(prompt).toMatch(/Interpersonal conflict: .+?'s (conformity|talkative) clashes with/);
    const items = compileChecklist(s, ctx).items.filter((i) => i.level === 'scenario');
    expect(items.map((i) => i.text).join('\n')).toMatch(/clashes with .+?'s/);
  });

  it('phrases a between edge given to one character as acting on the others, in prompt, role-play and checklist', () => {
    const s = scenario([['conformity', 'talkative'], ['insecure']]);
    s.relations = ['conformity--CONFLICTS--talkative'];
    const prompt = compilePrompt(s, ctx).text;
    expect(prompt).toContain('acts between people, yet');
    expect(prompt).not.toContain('Inner conflict in');
    const roleplay = compileRoleplayPrompt(s, ctx, 0);
    expect(roleplay.text).toContain('acts between people, yet');
    const items = compileChecklist(s, ctx).items.filter((i) => i.level === 'scenario');
    expect(items.map((i) => i.text).join('\n')).toMatch(/works on how the others around them show/);
  });

  it('phrases a within edge split across two characters as each side’s own, with no checklist item for it', () => {
    const s = scenario([['insecure', 'talkative'], ['spotlight-effect']]);
    s.relations = ['insecure--REINFORCES--spotlight-effect'];
    const prompt = compilePrompt(s, ctx).text;
    expect(prompt).toContain('works inside one mind, yet');
    const items = compileChecklist(s, ctx).items.filter((i) => i.level === 'scenario');
    expect(items.some((i) => i.id.includes('insecure--REINFORCES--spotlight-effect'))).toBe(false);
  });

  it('gives a scene partner (a supporting character with no pattern) a cast line, no checklist items and no judgement', async () => {
    const s = scenario([['insecure', 'spotlight-effect'], []]);
    s.relations = ['insecure--REINFORCES--spotlight-effect'];
    const prompt = compilePrompt(s, ctx).text;
    expect(prompt).toContain('Supporting character 1 (supporting): carries none of these patterns');
    expect(prompt).toContain(
      'Supporting character 1 carries none of these patterns: react as the scene needs',
    );
    const checklist = compileChecklist(s, ctx);
    expect(checklist.items.filter((i) => i.character === 'Supporting character 1')).toEqual([]);
    const target = {
      scenario: s,
      turns: [{ char: 'Protagonist', content: 'Hi.' }],
      character: 'Supporting character 1',
      checklist,
      model: 'm',
      runs: 1,
    };
    // nothing to judge: refused before any model call
    await expect(judgeCharacter(target, {} as LlmClient)).rejects.toThrow(InvalidInputError);
  });

  it('drafts a prompt from hand-picked patterns without putting an EXCLUDES pair in one character', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const s = draftScenario(catalog, {
        patterns: ['quiet', 'talkative', 'conformity'],
        situation: 'adversity',
        seed,
      });
      const owner = new Map(s.characters.flatMap((c, i) => c.patterns.map((p) => [p, i] as const)));
      expect(owner.get('quiet')).not.toBe(owner.get('talkative'));
    }
  });
});
