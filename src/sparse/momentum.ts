/**
 * Sparse momentum (Dettmers & Zettlemoyer), as pure functions over arrays, as
 * docs/sparse-momentum.md describes it: magnitude prune, momentum redistribution across layers,
 * momentum regrowth, exact total density.
 */

import { roundToTotal } from './init';

/** Something that draws k distinct indices from [0, n); the engine's seeded Rng. */
export interface IndexSampler {
  sample(n: number, k: number): Uint32Array;
}

/** A mask with exactly round(density × size) active positions drawn uniformly at random. */
export function randomMask(size: number, density: number, rng: IndexSampler): Uint8Array {
  const mask = new Uint8Array(size);
  const k = Math.min(size, Math.round(density * size));
  for (const i of rng.sample(size, k)) mask[i] = 1;
  return mask;
}

export function countActive(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/** Number of weights one layer loses at prune rate `rate`: ceil(rate × active). */
export function pruneCount(active: number, rate: number): number {
  return Math.min(active, Math.max(0, Math.ceil(rate * active)));
}

/**
 * Removes the `count` active weights with the smallest |w| (exact zeros first, ties by index).
 * Returns a new mask; the input is not changed.
 */
export function magnitudePrune(
  weights: ArrayLike<number>,
  mask: Uint8Array,
  count: number,
): Uint8Array {
  const out = mask.slice();
  if (count <= 0) return out;
  const active: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) active.push(i);
  active.sort((a, b) => Math.abs(weights[a]) - Math.abs(weights[b]) || a - b);
  for (let j = 0; j < Math.min(count, active.length); j++) out[active[j]] = 0;
  return out;
}

/** Mean |momentum| over the active positions of one layer (0 for an empty layer). */
export function meanActiveMagnitude(values: ArrayLike<number>, mask: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      sum += Math.abs(values[i]);
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Normalises non-negative contributions to shares summing to 1 (equal shares if all are 0). */
export function normalizeShares(values: number[]): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return values.map(() => 1 / values.length);
  return values.map((v) => v / total);
}

/**
 * Splits `total` regrowth over layers in proportion to `shares`, no layer above its `capacity`;
 * what a full layer cannot take is re-spread over the others by share until nothing overflows.
 * Rounds by largest remainder so the integers add up to `total` exactly.
 */
export function allocateRegrowth(total: number, shares: number[], capacity: number[]): number[] {
  const n = shares.length;
  const capTotal = capacity.reduce((a, b) => a + b, 0);
  if (total > capTotal)
    throw new Error(`cannot regrow ${total} weights into ${capTotal} free slots`);
  const target = new Array<number>(n).fill(0);
  const open = new Set<number>();
  for (let i = 0; i < n; i++) if (capacity[i] > 0) open.add(i);
  let remaining = total;
  for (;;) {
    let shareSum = 0;
    for (const i of open) shareSum += shares[i];
    const weightOf = (i: number) => (shareSum > 0 ? shares[i] / shareSum : 1 / open.size);
    const full = [...open].filter((i) => remaining * weightOf(i) >= capacity[i]);
    if (full.length === 0) {
      for (const i of open) target[i] = remaining * weightOf(i);
      break;
    }
    for (const i of full) {
      target[i] = capacity[i];
      remaining -= capacity[i];
      open.delete(i);
    }
    if (open.size === 0) break;
  }
  return roundToTotal(target, capacity, total);
}

/**
 * Activates the `count` inactive positions with the largest |momentum| (ties by index).
 * Returns the new mask and the regrown indices.
 */
export function momentumGrowth(
  momentum: ArrayLike<number>,
  mask: Uint8Array,
  count: number,
): { mask: Uint8Array; grown: Uint32Array } {
  const out = mask.slice();
  if (count <= 0) return { mask: out, grown: new Uint32Array(0) };
  const inactive: number[] = [];
  for (let i = 0; i < mask.length; i++) if (!mask[i]) inactive.push(i);
  if (count > inactive.length)
    throw new Error(`cannot regrow ${count} into ${inactive.length} free slots`);
  inactive.sort((a, b) => Math.abs(momentum[b]) - Math.abs(momentum[a]) || a - b);
  const grown = Uint32Array.from(inactive.slice(0, count));
  for (const i of grown) out[i] = 1;
  return { mask: out, grown };
}

export interface LayerUpdateReport {
  name: string;
  size: number;
  activeBefore: number;
  activeAfter: number;
  pruned: number;
  regrown: number;
  /** Mean |momentum| over active weights, before the update. */
  meanMomentum: number;
  /** This layer's normalised share of the momentum, which decided its regrowth. */
  momentumShare: number;
  pruneRate: number;
}
