/** Sentences in a text: split after . ! ? followed by a space and a capital, quote or digit. */
export function sentences(text: string): string[] {
  return text
    .trim()
    .split(/(?<=[.!?])\s+(?=["'‘“(A-Z0-9])/)
    .filter(Boolean);
}
