/** Query, path and body shapes of the API, as zod schemas (the OpenAPI document is built from them). */
import { z } from 'zod';
import { IdSchema, RELATION_TYPES, ScenarioSchema } from '../model/index.js';
import { EXPORT_FORMATS } from '../analysis/export.js';
import { LISTING } from './limits.js';
import { documented, named } from './registry.js';

export const NoInput = z.strictObject({});
export const IdParams = z.strictObject({ id: z.string().min(1).describe('the id') });

export const PatternQuery = z.strictObject({
  kind: z.enum(['trait', 'social-cognitive']).optional().describe('only patterns of this kind'),
  search: z.string().min(1).optional().describe('case-insensitive substring of the id, name or an alias'),
});

/** A word in any letter case, as a regular expression: `ab` → `[Aa][Bb]`. */
const anyCase = (word: string) => word.replace(/[a-z]/gi, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);
const typeName = `\\s*(?:${RELATION_TYPES.map(anyCase).join('|')})\\s*`;

/**
 * Comma-separated relation types, in any letter case. The document states the accepted strings as
 * a pattern; validation splits and checks each name, so a problem points at the item (`type[1]`).
 */
export const relationTypeList = documented(
  z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((t) => t.trim().toUpperCase()))
    .pipe(z.array(z.enum(RELATION_TYPES))),
  { pattern: `^${typeName}(?:,${typeName})*$` },
);

export const RelationQuery = z.strictObject({
  type: relationTypeList.optional().describe(`comma-separated relation types (${RELATION_TYPES.join(', ')})`),
  pattern: IdSchema.optional().describe('relations touching this pattern, either end'),
  minStrength: z.coerce.number().min(0).max(1).optional().describe('minimum strength, 0-1'),
});

export const ScenarioQuery = z.strictObject({
  pattern: IdSchema.optional().describe('scenarios containing this pattern'),
  situation: IdSchema.optional().describe('scenarios set in this situation'),
  limit: z.coerce
    .number()
    .int()
    .min(LISTING.scenarios.min)
    .max(LISTING.scenarios.max)
    .optional()
    .describe('at most this many'),
});

export const ExportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS).optional().describe('file format (default json)'),
});

export const SaveScenariosRequestSchema = named(
  'SaveScenariosRequest',
  z.strictObject({ scenarios: z.array(ScenarioSchema).max(LISTING.save.max) }),
);
