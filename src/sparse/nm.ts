/**
 * N:M sparsity (`structure=nm`): the inputs of every output come in groups of M consecutive
 * ones (the last group shorter when M does not divide the inputs), and each group holds at most
 * N weights. N is per layer and follows its count: the smallest N whose groups can hold the
 * layer's exact active count (ceil(count / groups) when M divides the inputs), so the count
 * stays exact (no rounding to the structure) and a group may hold fewer than N.
 */
import type { BlockGrid } from './blocks';
import type { SparseFormat } from './format';
import { countActive, type IndexSampler } from './momentum';
import type { UpdateLayer, UpdateOptions, UpdateResult } from './update';

/** Groups per row and the length of each (all M but the last). */
export function groupLengths(cols: number, m: number): number[] {
  const g = Math.ceil(cols / m);
  return Array.from({ length: g }, (_, i) => Math.min(m, cols - i * m));
}

/**
 * The smallest N with which `rows` rows of groups of M hold `count` weights: a group holds
 * min(N, its length). Throws when even full groups cannot (count above the layer's size).
 */
export function nmBound(count: number, rows: number, cols: number, m: number): number {
  if (count > rows * cols) throw new Error(`${count} weights do not fit ${rows}x${cols}`);
  const lens = groupLengths(cols, m);
  let n = Math.max(0, Math.ceil(count / (rows * lens.length)));
  while (nmCapacity(rows, cols, m, n) < count) n++;
  return n;
}

/** Active weights in every group, row by row ([rows][groups]). */
export function groupCounts(mask: Uint8Array, rows: number, cols: number, m: number): Uint32Array {
  const g = Math.ceil(cols / m);
  const out = new Uint32Array(rows * g);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * g + Math.floor(c / m)] += mask[r * cols + c];
  return out;
}

/** Weights `rows` rows of groups of M hold with at most N a group (min(N, length) each). */
export function nmCapacity(rows: number, cols: number, m: number, n: number): number {
  return rows * groupLengths(cols, m).reduce((s, l) => s + Math.min(n, l), 0);
}

/** The fullest group of a mask (at most its N). */
export function maxGroup(mask: Uint8Array, rows: number, cols: number, m: number): number {
  return groupCounts(mask, rows, cols, m).reduce((a, b) => Math.max(a, b), 0);
}

/**
 * Turns on candidates in order (dense indices of one layer), skipping any whose group already
 * holds `n`, until `count` more are on; returns how many were turned on.
 */
function fillGroups(
  mask: Uint8Array,
  grid: BlockGrid,
  m: number,
  n: number,
  order: ArrayLike<number>,
  count: number,
): number {
  const { rows, cols } = grid;
  const g = Math.ceil(cols / m);
  const occ = groupCounts(mask, rows, cols, m);
  let added = 0;
  for (let k = 0; k < order.length && added < count; k++) {
    const i = order[k];
    if (mask[i]) continue;
    const gi = Math.floor(i / cols) * g + Math.floor((i % cols) / m);
    if (occ[gi] >= n) continue;
    mask[i] = 1;
    occ[gi]++;
    added++;
  }
  return added;
}

/** A random N:M mask of exactly `count` weights (N the smallest bound that holds them). */
export function drawNmMask(grid: BlockGrid, count: number, m: number, rng: IndexSampler) {
  const mask = new Uint8Array(grid.rows * grid.cols);
  const n = nmBound(count, grid.rows, grid.cols, m);
  fillGroups(mask, grid, m, n, rng.sample(mask.length, mask.length), count);
  return mask;
}

/** Stored slots of an N:M layer: N per group of every row (padding included). */
export function nmSlots(rows: number, cols: number, m: number, n: number): number {
  return rows * Math.ceil(cols / m) * n;
}

/** Column of a padding slot: past every layer's inputs, so the kernels store 0 for it. */
export const NM_PAD = 0xffff;

/**
 * The stored form of an N:M mask: ELL with N slots per group, row o's S = groups × N slots at
 * [o·S, (o+1)·S): its weights first in ascending column (group by group, so the sums run in
 * CSR's order), then its padding (column `NM_PAD`, value 0, never in the transposed index). So
 * every row has one trip count and the kernels need no row pointers, and a walk along a row may
 * stop at its first padding slot (the row's real count, as CSR's row pointers would give it);
 * rowPtr is kept (o·S) for the shared sparse SGD update, which skips padding.
 */
export function buildNmFormat(unitMask: Uint8Array, grid: BlockGrid, m: number): SparseFormat {
  const { rows, cols } = grid;
  if (grid.block !== 1) throw new Error('N:M needs single weights');
  // N from the count (not the fullest group), so the memory estimate knows it before the draw.
  const n = nmBound(countActive(unitMask), rows, cols, m);
  if (maxGroup(unitMask, rows, cols, m) > n)
    throw new Error(`a group holds more than N = ${n} of ${m} inputs: not an N:M mask`);
  const s = Math.ceil(cols / m) * n;
  const slots = rows * s;
  const rowPtr = Uint32Array.from({ length: rows + 1 }, (_, r) => r * s);
  const colIdx = new Uint32Array(Math.max(1, Math.ceil(slots / 2)));
  const colCount = new Uint32Array(cols);
  for (let i = 0; i < unitMask.length; i++) if (unitMask[i]) colCount[i % cols]++;
  const colPtr = new Uint32Array(cols + 1);
  for (let c = 0; c < cols; c++) colPtr[c + 1] = colPtr[c] + colCount[c];
  const tEntry = new Uint32Array(Math.max(1, colPtr[cols]));
  const fill = colPtr.slice(0, cols);
  for (let r = 0; r < rows; r++) {
    let pos = 0;
    for (let c = 0; c < cols; c++) {
      if (!unitMask[r * cols + c]) continue;
      const k = r * s + pos;
      colIdx[k >> 1] |= c << ((k & 1) * 16);
      tEntry[fill[c]++] = r | (pos++ << 16);
    }
    for (; pos < s; pos++) {
      const k = r * s + pos;
      colIdx[k >> 1] |= NM_PAD << ((k & 1) * 16);
    }
  }
  return {
    block: 1,
    blockRows: rows,
    blockCols: cols,
    nnzBlocks: slots,
    fanIn: s,
    nm: { group: m, n },
    rowPtr,
    colIdx,
    colPtr,
    tEntry,
  };
}

/** Dense indices of one row-major layer, best first by |score| (ties by index). */
function byScore(free: number[], score: Float32Array): number[] {
  return free.sort((a, b) => Math.abs(score[b]) - Math.abs(score[a]) || a - b);
}

/**
 * One N:M mask update: the unstructured update's prune and exact redistribution (`base`, the
 * counts after it), then per layer N' = the bound of its new count; groups above N' (a layer
 * whose count fell) lose their smallest |w| as well, and regrowth takes the best missing
 * positions (largest |momentum| or |gradient|, or a random order) only in groups below N'.
 * Where a layer's open groups hold fewer candidates with a non-zero score than it regrows
 * (the structure, not the score, would pick the rest: e.g. inputs that are always 0), the rest
 * goes to the layers whose open groups still have such candidates, largest share first, as the
 * unstructured update spreads what edge tiles leave; only what no layer can place that way is
 * placed at zero-score positions (its own layers first). Capacity N' × groups holds each
 * layer's count by definition, so the total is unchanged and every group stays within N'.
 */
export function nmUpdate(
  layers: UpdateLayer[],
  opts: UpdateOptions,
  m: number,
  base: UpdateResult,
): UpdateResult {
  const afterPrune: Uint8Array[] = [];
  const plans = layers.map((l, i) => {
    const { rows, cols } = l.grid;
    if (l.grid.block !== 1) throw new Error(`${l.name}: N:M needs single weights`);
    const count = base.layers[i].activeAfter;
    const n = nmBound(count, rows, cols, m);
    const mask = base.afterPrune[i].slice();
    // Trim groups above the new bound (smallest |w| first).
    const g = Math.ceil(cols / m);
    const occ = groupCounts(mask, rows, cols, m);
    for (let gi = 0; gi < occ.length; gi++) {
      if (occ[gi] <= n) continue;
      const r = Math.floor(gi / g);
      const c0 = (gi % g) * m;
      const on: number[] = [];
      for (let c = c0; c < Math.min(cols, c0 + m); c++)
        if (mask[r * cols + c]) on.push(r * cols + c);
      on.sort((a, b) => Math.abs(l.weights[a]) - Math.abs(l.weights[b]) || a - b);
      for (const j of on.slice(0, occ[gi] - n)) mask[j] = 0;
    }
    afterPrune.push(mask.slice());
    const need = count - countActive(mask);
    const free: number[] = [];
    for (let j = 0; j < mask.length; j++) if (!mask[j]) free.push(j);
    if (opts.growth === 'random') {
      const perm = opts.rng.sample(free.length, free.length);
      const order = Array.from(perm, (j) => free[j]);
      return { mask, n, need, order, scored: order.length };
    }
    const source = opts.growth === 'gradient' ? l.gradient : l.momentum;
    if (!source) throw new Error(`${l.name}: gradient growth needs the dense gradient`);
    const order = byScore(free, source);
    let scored = order.length;
    while (scored > 0 && source[order[scored - 1]] === 0) scored--;
    return { mask, n, need, order, scored };
  });
  const fill = (i: number, count: number, any: boolean) => {
    const p = plans[i];
    const order = any ? p.order : p.order.slice(0, p.scored);
    return fillGroups(p.mask, layers[i].grid, m, p.n, order, count);
  };
  // Each layer its own count at scored positions; a layer keeps at least the smallest count
  // whose bound is its N' (so N' stays its N), at any score if need be; the rest is `given`.
  const given = plans.map((p, i) => {
    const short = p.need - fill(i, p.need, false);
    const { rows, cols } = layers[i].grid;
    const floor = p.n > 0 ? nmCapacity(rows, cols, m, p.n - 1) + 1 : 0;
    const forced = Math.max(0, Math.min(short, floor - countActive(p.mask)));
    return short - fill(i, forced, true);
  });
  let left = given.reduce((a, b) => a + b, 0);
  const byShare = plans
    .map((_, i) => i)
    .sort((a, b) => base.layers[b].momentumShare - base.layers[a].momentumShare || a - b);
  for (const i of byShare) if (left > 0) left -= fill(i, left, false);
  // What no layer places at a scored position goes back to its own layers, at any score.
  given.forEach((g, i) => {
    if (left > 0) left -= fill(i, Math.min(left, g), true);
  });
  for (const i of byShare) if (left > 0) left -= fill(i, left, true);
  if (left !== 0) throw new Error(`N:M regrowth left ${left} weights unplaced`);
  const unitMasks = plans.map((p) => p.mask);
  const weights = layers.map((l, i) => {
    const w = l.weights.slice();
    for (let j = 0; j < w.length; j++) if (!unitMasks[i][j] || !l.unitMask[j]) w[j] = 0;
    return w;
  });
  const report = base.layers.map((r, i) => {
    const survivors = countActive(afterPrune[i]);
    const after = countActive(unitMasks[i]);
    return {
      ...r,
      activeAfter: after,
      pruned: r.activeBefore - survivors,
      regrown: after - survivors,
    };
  });
  return { unitMasks, afterPrune, masks: unitMasks.map((u) => u.slice()), weights, layers: report };
}
