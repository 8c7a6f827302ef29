/**
 * The structural motif of a scenario's causal subgraph. One label per scenario, by precedence:
 *   unbalanced-triangle  a triangle of two REINFORCES and one CONFLICTS (A helps B, B helps C, A fights C)
 *   conflict-triangle    three patterns that pairwise CONFLICT
 *   reinforcing-chain    only REINFORCES edges
 *   conflict-pair        only CONFLICTS edges
 *   modulated-edge       MODULATES present, alongside REINFORCES at most
 *   mixed                anything else (conflict and modulation together, …)
 */
import type { Motif } from '../model/index.js';
import type { ViewEdge } from './view.js';

export function classifyMotif(nodes: readonly number[], edges: readonly ViewEdge[]): Motif | null {
  if (!edges.length) return null;
  const sign = new Map<string, number>();
  const key = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);
  let r = 0;
  let c = 0;
  let m = 0;
  for (const e of edges) {
    if (e.type === 'REINFORCES') r++;
    else if (e.type === 'CONFLICTS') c++;
    else m++;
    if (e.type === 'MODULATES') continue;
    const k = key(e.source, e.target);
    const s = e.type === 'REINFORCES' ? 1 : -1;
    // a pair with both signs is contradictory; the lint reports it, here the conflict wins
    sign.set(k, Math.min(sign.get(k) ?? 1, s));
  }
  let conflictTriangle = false;
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const ab = sign.get(key(nodes[i]!, nodes[j]!));
      if (ab === undefined) continue;
      for (let k = j + 1; k < nodes.length; k++) {
        const bc = sign.get(key(nodes[j]!, nodes[k]!));
        const ac = sign.get(key(nodes[i]!, nodes[k]!));
        if (bc === undefined || ac === undefined) continue;
        const negatives = (ab < 0 ? 1 : 0) + (bc < 0 ? 1 : 0) + (ac < 0 ? 1 : 0);
        if (negatives === 1) return 'unbalanced-triangle';
        if (negatives === 3) conflictTriangle = true;
      }
    }
  }
  if (conflictTriangle) return 'conflict-triangle';
  if (r && !c && !m) return 'reinforcing-chain';
  if (c && !r && !m) return 'conflict-pair';
  if (m && !c) return 'modulated-edge';
  return 'mixed';
}
