/** Argument parsers for commander: each names its flag in the error so the user knows what to fix. */
import { InvalidArgumentError } from 'commander';
import { RELATION_TYPES, type RelationType } from '../model/index.js';

/**
 * A comma-separated (or repeated) list of values from `allowed`, upper-cased like relation types
 * (`--type reinforces,CONFLICTS`); an unknown value names the flag and the choices.
 */
export function parseEnumList<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string, previous: T[] | undefined): T[] => {
    const values = value
      .split(',')
      .map((v) => v.trim().toUpperCase())
      .filter(Boolean);
    for (const v of values) {
      if (!(allowed as readonly string[]).includes(v)) {
        throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')} (got "${v}")`);
      }
    }
    return [...(previous ?? []), ...(values as T[])];
  };
}

export const parseRelationType = (flag: string) => parseEnumList<RelationType>(flag, RELATION_TYPES);

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
