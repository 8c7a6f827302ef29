/**
 * The explorer's view of the API: the client, and the contract's types (type-only: no server code
 * enters the bundle) with the lists and limits its forms need (modules that import nothing).
 */
export { api, ApiError } from './client.js';
export type * from '../../../src/contract/types.js';
export {
  CATEGORIES,
  DIMENSIONS,
  EXPORT_FORMATS,
  FAMILIES,
  PROMPT_FORMATS,
  RELATION_TYPES,
  SAMPLE_STRATEGIES as STRATEGIES,
  SCOPES,
} from '../../../src/model/vocabulary.js';
export { PROMPT, SAMPLE, SEED } from '../../../src/contract/limits.js';
