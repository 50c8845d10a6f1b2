/**
 * Constant fan-in (as SRigL): every output unit of a layer keeps the same number k of inputs,
 * so a layer holds exactly k × outputs weights and its rows are all one length (ELL storage,
 * perfectly balanced kernels). Prune and regrow work row by row; the redistribution between
 * layers moves whole rows' worth of weights so the run's total never changes (see
 * `exactRowBudgets`).
 */

import type { BlockGrid } from './blocks';
import {
  countActive,
  meanActiveMagnitude,
  normalizeShares,
  pruneCount,
  type IndexSampler,
  type LayerUpdateReport,
} from './momentum';
import type { RedistMode, UpdateLayer, UpdateOptions, UpdateResult } from './update';

/** The sparsity structures a run can keep (the `structure` parameter). */
export type Structure = 'none' | 'fanin' | 'nm';

/**
 * Per-layer active counts rounded to whole rows: k = round(count / outputs), at least 1 and at
 * most the layer's inputs, so the run's total is Σ k × outputs (within half a row per layer of
 * round(density × weights)); from then on it stays exactly that.
 */
export function fanInCounts(counts: number[], shapes: { rows: number; cols: number }[]): number[] {
  return counts.map((n, i) => {
    const { rows, cols } = shapes[i];
    return rows * Math.min(cols, Math.max(1, Math.round(n / rows)));
  });
}

/** A constant fan-in mask: `count / rows` random inputs in every row (count a multiple of rows). */
export function drawFanInMask(grid: BlockGrid, count: number, rng: IndexSampler): Uint8Array {
  const { rows, cols } = grid;
  if (count % rows !== 0) throw new Error(`${count} weights are not whole rows of ${rows}`);
  const k = count / rows;
  const mask = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) for (const c of rng.sample(cols, k)) mask[r * cols + c] = 1;
  return mask;
}

/** Active inputs of each row. */
export function rowCounts(mask: Uint8Array, rows: number, cols: number): Uint32Array {
  const out = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let c = 0; c < cols; c++) n += mask[r * cols + c];
    out[r] = n;
  }
  return out;
}

/** The common length of a mask's rows, or null when they differ. */
export function commonFanIn(mask: Uint8Array, rows: number, cols: number): number | null {
  const counts = rowCounts(mask, rows, cols);
  return counts.every((n) => n === counts[0]) ? counts[0] : null;
}

/** The fan-in of a mask whose rows are all one length; throws when they are not. */
export function fanInOf(mask: Uint8Array, rows: number, cols: number): number {
  const counts = rowCounts(mask, rows, cols);
  const k = counts[0];
  if (counts.some((n) => n !== k))
    throw new Error('mask rows differ in length: not constant fan-in');
  return k;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Rows each layer regrows, given the rows each just pruned (`pruned`, per row), so that
 * Σ regrown × rows = Σ pruned × rows exactly. Each layer starts from its own count (what
 * redistribution `none` keeps); then, while some pair brings both closer to the target
 * weights `target` (from the redistribution shares), whole chunks of lcm(rows_i, rows_j)
 * weights — whole rows in both layers — move from the layer furthest above its target to the
 * one furthest below, within each layer's free inputs per row (`room`). Every move keeps the
 * sum, so the total is exact by construction; what cannot move in whole rows stays put.
 */
export function exactRowBudgets(
  pruned: number[],
  rows: number[],
  target: number[],
  room: number[],
): number[] {
  const g = pruned.slice();
  const n = g.length;
  for (let guard = 0; guard < 10_000; guard++) {
    const off = g.map((x, i) => x * rows[i] - target[i]);
    let best: { i: number; j: number; m: number; a: number; b: number; gain: number } | null = null;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j || off[i] <= 0 || off[j] >= 0) continue;
        const lcm = (rows[i] / gcd(rows[i], rows[j])) * rows[j];
        const a = lcm / rows[i];
        const b = lcm / rows[j];
        const m = Math.min(
          Math.floor(Math.min(off[i], -off[j]) / lcm + 0.5),
          Math.floor(g[i] / a),
          Math.floor((room[j] - g[j]) / b),
        );
        if (m <= 0) continue;
        const moved = m * lcm;
        const gain =
          Math.abs(off[i]) + Math.abs(off[j]) - Math.abs(off[i] - moved) - Math.abs(off[j] + moved);
        if (gain > 1e-9 && (!best || gain > best.gain)) best = { i, j, m, a, b, gain };
      }
    }
    if (!best) break;
    g[best.i] -= best.m * best.a;
    g[best.j] += best.m * best.b;
  }
  return g;
}

/** The `count` smallest-scoring active entries of one row, by score then index. */
function smallest(idx: number[], score: (i: number) => number, count: number): number[] {
  return idx.sort((a, b) => score(a) - score(b) || a - b).slice(0, count);
}

/** Rows pruned per layer: ceil(rate × k), the global threshold's count in whole rows for
 * global magnitude; always leaving each row at least one input. */
function prunedPerRow(layers: UpdateLayer[], fanIns: number[], opts: UpdateOptions): number[] {
  if (opts.prune !== 'global_magnitude')
    return fanIns.map((k) => Math.min(Math.max(0, k - 1), pruneCount(k, opts.rate)));
  const all: { l: number; s: number }[] = [];
  layers.forEach((l, li) => {
    for (let i = 0; i < l.unitMask.length; i++)
      if (l.unitMask[i]) all.push({ l: li, s: Math.abs(l.weights[i]) });
  });
  all.sort((a, b) => a.s - b.s || a.l - b.l);
  const hit = layers.map(() => 0);
  for (const e of all.slice(0, pruneCount(all.length, opts.rate))) hit[e.l]++;
  return fanIns.map((k, i) =>
    Math.min(Math.max(0, k - 1), Math.round(hit[i] / layers[i].grid.rows)),
  );
}

/** Removes `q` inputs of every row: smallest |w|, or SET's smallest positive and largest negative. */
function pruneRows(l: UpdateLayer, q: number, signed: boolean): Uint8Array {
  const { rows, cols } = l.grid;
  const out = l.unitMask.slice();
  const w = l.weights;
  for (let r = 0; r < rows; r++) {
    const active: number[] = [];
    for (let c = 0; c < cols; c++) if (out[r * cols + c]) active.push(r * cols + c);
    let drop: number[];
    if (!signed) drop = smallest(active, (i) => Math.abs(w[i]), q);
    else {
      const pos = active.filter((i) => w[i] >= 0);
      const neg = active.filter((i) => w[i] < 0);
      const qPos = Math.min(
        pos.length,
        Math.max(q - neg.length, Math.round((q * pos.length) / active.length)),
      );
      drop = [...smallest(pos, (i) => w[i], qPos), ...smallest(neg, (i) => -w[i], q - qPos)];
    }
    for (const i of drop) out[i] = 0;
  }
  return out;
}

/** Grows `g` inputs in every row: largest |momentum| or |gradient|, or at random. */
function growRows(l: UpdateLayer, pruned: Uint8Array, g: number, opts: UpdateOptions): Uint8Array {
  const { rows, cols } = l.grid;
  const out = pruned.slice();
  const source = opts.growth === 'gradient' ? l.gradient : l.momentum;
  if (opts.growth !== 'random' && !source)
    throw new Error(`${l.name}: gradient growth needs the dense gradient`);
  for (let r = 0; r < rows; r++) {
    const free: number[] = [];
    for (let c = 0; c < cols; c++) if (!out[r * cols + c]) free.push(r * cols + c);
    const chosen =
      opts.growth === 'random'
        ? Array.from(opts.rng.sample(free.length, g), (j) => free[j])
        : smallest(free, (i) => -Math.abs(source![i]), g);
    for (const i of chosen) out[i] = 1;
  }
  return out;
}

/** What each layer contributes to the redistribution shares (as `maskUpdate` splits them). */
export function contributions(
  redist: RedistMode,
  layers: UpdateLayer[],
  masks: Uint8Array[],
  survivors: number[],
  removed: number[],
): number[] {
  switch (redist) {
    case 'momentum':
      return layers.map((l, i) => meanActiveMagnitude(l.momentum, masks[i]));
    case 'magnitude':
      return layers.map((l, i) => meanActiveMagnitude(l.weights, masks[i]));
    case 'nonzero':
      return survivors;
    case 'none':
      return removed;
  }
}

/**
 * One mask update keeping constant fan-in (single weights, block 1): every row of a layer
 * loses the same number of inputs (by the prune mode), the freed weights are split over layers
 * in whole rows (`exactRowBudgets`), and every row regrows the same number (by the growth
 * mode). Each layer ends with k' × outputs weights and the total is unchanged.
 */
export function fanInUpdate(layers: UpdateLayer[], opts: UpdateOptions): UpdateResult {
  for (const l of layers)
    if (l.grid.block !== 1) throw new Error(`${l.name}: constant fan-in needs single weights`);
  const rows = layers.map((l) => l.grid.rows);
  const fanIns = layers.map((l) => fanInOf(l.unitMask, l.grid.rows, l.grid.cols));
  const q = prunedPerRow(layers, fanIns, opts);
  const afterPrune = layers.map((l, i) => pruneRows(l, q[i], opts.prune === 'set'));
  const before = fanIns.map((k, i) => k * rows[i]);
  const survivors = afterPrune.map(countActive);
  const removed = before.map((b, i) => b - survivors[i]);
  const freed = removed.reduce((a, b) => a + b, 0);
  const shares = normalizeShares(
    contributions(
      opts.redist,
      layers,
      layers.map((l) => l.unitMask),
      survivors,
      removed,
    ),
  );
  const room = layers.map((l, i) => l.grid.cols - (fanIns[i] - q[i]));
  const regrow =
    opts.redist === 'none'
      ? q
      : exactRowBudgets(
          q,
          rows,
          shares.map((s) => s * freed),
          room,
        );
  const unitMasks = layers.map((l, i) => growRows(l, afterPrune[i], regrow[i], opts));
  const weights = layers.map((l, i) => {
    const w = l.weights.slice();
    for (let j = 0; j < w.length; j++) if (!unitMasks[i][j] || !l.unitMask[j]) w[j] = 0;
    return w;
  });
  const report: LayerUpdateReport[] = layers.map((l, i) => ({
    name: l.name,
    size: l.grid.rows * l.grid.cols,
    activeBefore: before[i],
    activeAfter: survivors[i] + regrow[i] * rows[i],
    pruned: removed[i],
    regrown: regrow[i] * rows[i],
    meanMomentum: meanActiveMagnitude(l.momentum, l.unitMask),
    momentumShare: shares[i],
    pruneRate: opts.rate,
  }));
  return { unitMasks, afterPrune, masks: unitMasks.map((m) => m.slice()), weights, layers: report };
}
