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
  // signs between the k patterns, by local index: 1 REINFORCES, -1 CONFLICTS (a pair with both is
  // contradictory; the lint reports it, here the conflict wins), 0 neither
  const k = nodes.length;
  const sign = new Int8Array(k * k);
  const local = (node: number) => nodes.indexOf(node);
  let r = 0;
  let c = 0;
  let m = 0;
  for (const e of edges) {
    if (e.type === 'REINFORCES') r++;
    else if (e.type === 'CONFLICTS') c++;
    else m++;
    if (e.type === 'MODULATES') continue;
    const a = local(e.source);
    const b = local(e.target);
    const s = e.type === 'REINFORCES' ? 1 : -1;
    const next = Math.min(sign[a * k + b] || 1, s);
    sign[a * k + b] = next;
    sign[b * k + a] = next;
  }
  let conflictTriangle = false;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const ab = sign[i * k + j]!;
      if (!ab) continue;
      for (let l = j + 1; l < k; l++) {
        const bc = sign[j * k + l]!;
        const ac = sign[i * k + l]!;
        if (!bc || !ac) continue;
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
