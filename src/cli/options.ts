/** Argument parsers for commander: each names its flag in the error so the user knows what to fix. */
import { InvalidArgumentError } from 'commander';
import { RELATION_TYPES, type RelationType } from '../model/index.js';

export function parseRelationType(flag: string) {
  return (value: string, previous: RelationType[] | undefined): RelationType[] => {
    const types = value.split(',').map((v) => v.trim().toUpperCase());
    for (const t of types) {
      if (!(RELATION_TYPES as readonly string[]).includes(t)) {
        throw new InvalidArgumentError(`${flag} must be one of ${RELATION_TYPES.join(', ')} (got "${t}")`);
      }
    }
    return [...(previous ?? []), ...(types as RelationType[])];
  };
}

export function parseNumberIn(flag: string, min: number, max: number, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(
        `${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${value}")`,
      );
    }
    return n;
  };
}
