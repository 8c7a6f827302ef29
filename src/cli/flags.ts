/**
 * How the CLI names a use case's input fields: by the flag that sets them. Errors from the core
 * and the contract refer to fields by their input path (`minTraits`, `size[1]`); the CLI shows
 * them as flags (`--min-traits`, `--size`). Most flags are the field in kebab case; these differ.
 */
import type { z } from 'zod';

const FLAG_OF: Record<string, string> = {
  n: '-n',
  situations: '--situation',
  scenarioId: '--scenario',
  weighted: '--unweighted',
};

export function flagName(path: string): string {
  const top = /^[A-Za-z]+/.exec(path)?.[0] ?? path;
  return FLAG_OF[top] ?? `--${top.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A contract field's description, for the flag's help: the limits and defaults read from the schema. */
export function helpOf(schema: z.ZodObject, key: string): string {
  const description = (schema.shape[key] as z.ZodType | undefined)?.description;
  if (!description) throw new Error(`contract field ${key} has no description`);
  return description;
}
