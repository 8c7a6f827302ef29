/** A small, valid catalog for tests: six patterns, six relations, two situations. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog, Dimension, Pattern, Relation, Situation } from '../../src/model/index.js';
import { relationId, slugify } from '../../src/model/index.js';

type KindFields =
  | { kind: 'trait'; dimension: Dimension; pole: '+' | '-' }
  | { kind: 'social-cognitive'; category: 'cognitive-bias' | 'social-influence' };

export function makePattern(name: string, fields: KindFields, extra: Partial<Pattern> = {}): Pattern {
  const id = slugify(name);
  return {
    id,
    name,
    ...fields,
    definition: `Test definition of ${name}.`,
    mechanisms: {
      cognitive: `${name} thinking.`,
      emotional: `${name} feeling.`,
      behavioral: `${name} doing.`,
    },
    manifestations: [1, 2, 3, 4].map((i) => `${name} manifestation ${i}.`),
    checklist: Array.from({ length: 12 }, (_, i) => ({
      id: `${id}-${String(i + 1).padStart(2, '0')}`,
      question: `Does the character show ${name} behaviour number ${i + 1}?`,
    })),
    aliases: [],
    references: [],
    ...extra,
  } as Pattern;
}

export function makeRelation(
  type: Relation['type'],
  source: string,
  target: string,
  strength = 0.5,
  extra: Partial<Relation> = {},
): Relation {
  const base = {
    id: relationId(type, source, target),
    type,
    source,
    target,
    strength,
    // causal edges need a scope; a fixture's acts either way unless the test says otherwise
    ...(type === 'EXCLUDES' || type === 'VARIANT_OF' ? {} : { scope: 'either' as const }),
    rationale: `${source} acts on ${target}.`,
    evidence: { status: 'theoretical' as const, sources: [] },
    provenance: 'curated' as const,
  };
  return (
    type === 'MODULATES'
      ? { ...base, condition: 'When others watch (Adversity).', effect: 'suppresses', ...extra }
      : { ...base, ...extra }
  ) as Relation;
}

export function miniCatalog(): Catalog {
  const patterns: Pattern[] = [
    makePattern(
      'talkative',
      { kind: 'trait', dimension: 'extraversion', pole: '+' },
      { aliases: ['chatty'] },
    ),
    makePattern('quiet', { kind: 'trait', dimension: 'extraversion', pole: '-' }),
    makePattern('insecure', { kind: 'trait', dimension: 'emotional-stability', pole: '-' }),
    makePattern('spotlight effect', { kind: 'social-cognitive', category: 'cognitive-bias' }),
    makePattern('loss aversion', { kind: 'social-cognitive', category: 'cognitive-bias' }),
    makePattern('conformity', { kind: 'social-cognitive', category: 'social-influence' }),
  ];
  const relations: Relation[] = [
    makeRelation('MODULATES', 'spotlight-effect', 'talkative', 0.6),
    makeRelation('REINFORCES', 'insecure', 'spotlight-effect', 0.7),
    makeRelation('REINFORCES', 'insecure', 'conformity', 0.5),
    makeRelation('CONFLICTS', 'conformity', 'talkative', 0.3),
    makeRelation('REINFORCES', 'loss-aversion', 'conformity', 0.2),
    makeRelation('EXCLUDES', 'quiet', 'talkative', 1),
  ];
  const situations: Situation[] = [
    { id: 'adversity', name: 'Adversity', family: 'diamonds', definition: 'Threats or criticism.' },
    {
      id: 'home-and-private-life',
      name: 'Home & Private Life',
      family: 'life-domain',
      definition: 'At home.',
    },
  ];
  return { patterns, relations, situations };
}

/** Writes a catalog as a seed directory (patterns/, relations/, situations.json). */
export async function writeSeedDir(dir: string, catalog: Catalog): Promise<string> {
  await mkdir(path.join(dir, 'patterns'), { recursive: true });
  await mkdir(path.join(dir, 'relations'), { recursive: true });
  await writeFile(path.join(dir, 'patterns', 'all.json'), JSON.stringify(catalog.patterns, null, 2));
  await writeFile(path.join(dir, 'relations', 'all.json'), JSON.stringify(catalog.relations, null, 2));
  await writeFile(path.join(dir, 'situations.json'), JSON.stringify(catalog.situations, null, 2));
  return dir;
}
