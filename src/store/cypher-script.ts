/**
 * Splits a Cypher script (graph/schema.cypher, or an `export --format cypher` file) into
 * statements: `//` comment lines dropped, each statement ending with `;` at the end of a line.
 * Splitting at line ends, not at every `;`, keeps semicolons inside string literals intact
 * (exported literals never contain a raw newline).
 */
export function splitCypherStatements(script: string): string[] {
  return script
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .split(/;[ \t]*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
