/**
 * Splits a HumanLLM turn into its parts: `[inner thought]`, `(action)` and spoken words, so the
 * library can render each differently.
 */
export type TurnPart = { kind: 'thought' | 'action' | 'speech'; text: string };

export function splitTurn(content: string): TurnPart[] {
  const parts: TurnPart[] = [];
  const re = /\[([^\]]*)\]|\(([^)]*)\)|([^[(]+)/g;
  for (const m of content.matchAll(re)) {
    if (m[1] !== undefined) parts.push({ kind: 'thought', text: m[1].trim() });
    else if (m[2] !== undefined) parts.push({ kind: 'action', text: m[2].trim() });
    else if (m[3]?.trim()) parts.push({ kind: 'speech', text: m[3].trim() });
  }
  return parts;
}
