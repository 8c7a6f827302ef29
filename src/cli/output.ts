/** How commands print: JSON for scripts, plain text for people. */

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
};

export interface ListFormat {
  json?: boolean;
  jsonl?: boolean;
}

/** Prints a list as a JSON array (`--json`), JSON lines (`--jsonl`) or with the text renderer. */
export function printList<T>(
  io: Output,
  items: readonly T[],
  format: ListFormat,
  text: (item: T) => string,
): void {
  if (format.jsonl) {
    if (items.length) io.out(items.map((i) => JSON.stringify(i)).join('\n'));
  } else if (format.json) io.out(JSON.stringify(items, null, 2));
  else if (items.length) io.out(items.map(text).join('\n'));
}

export function wrap(text: string, width: number, indent = ''): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function terminalWidth(): number {
  return Math.min(process.stdout.columns || 100, 100);
}

/** Left-aligned columns for a small table. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}
