import { activeWeights, blockGrid, expandMask, unitSums, type BlockGrid } from './blocks';
import { contributions, fanInUpdate, type Structure } from './fanin';
import { nmUpdate } from './nm';
import { Ranked } from './ranked';
import {
  allocateRegrowth,
  countActive,
  magnitudePrune,
  meanActiveMagnitude,
  normalizeShares,
  pruneCount,
  type IndexSampler,
  type LayerUpdateReport,
} from './momentum';

export type PruneMode = 'magnitude' | 'set' | 'global_magnitude';
export type GrowthMode = 'momentum' | 'gradient' | 'random';
export type RedistMode = 'momentum' | 'magnitude' | 'nonzero' | 'none';

/** One weight matrix at a mask update; `unitMask` is over the tiles of `grid`. */
export interface UpdateLayer {
  name: string;
  weights: Float32Array;
  momentum: Float32Array;
  /** The dense gradient of this step; needed only for gradient growth. */
  gradient: Float32Array | null;
  grid: BlockGrid;
  unitMask: Uint8Array;
}

export interface UpdateOptions {
  rate: number;
  prune: PruneMode;
  growth: GrowthMode;
  redist: RedistMode;
  /** Draws random regrowth positions (random growth only). */
  rng: IndexSampler;
  /** Row structure the masks keep (none when absent): fan-in updates go to `fanInUpdate`. */
  structure?: Structure;
  /** M of structure=nm (inputs per group). */
  nmGroup?: number;
}

export interface UpdateResult {
  unitMasks: Uint8Array[];
  /**
   * Unit masks after pruning, before regrowth: a unit off here but on in `unitMasks` was
   * regrown, possibly where it had just been pruned (the views show such units as both).
   */
  afterPrune: Uint8Array[];
  /** Per-weight masks. */
  masks: Uint8Array[];
  /** Weights with pruned positions zeroed and newly grown positions at exactly 0. */
  weights: Float32Array[];
  layers: LayerUpdateReport[];
}

/** SET's prune: the `rate` fraction of the smallest positive and of the largest negative units. */
export function setPrune(scores: ArrayLike<number>, mask: Uint8Array, rate: number): Uint8Array {
  const out = mask.slice();
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) (scores[i] < 0 ? neg : pos).push(i);
  pos.sort((a, b) => scores[a] - scores[b] || a - b);
  neg.sort((a, b) => scores[b] - scores[a] || a - b);
  for (const i of pos.slice(0, pruneCount(pos.length, rate))) out[i] = 0;
  for (const i of neg.slice(0, pruneCount(neg.length, rate))) out[i] = 0;
  return out;
}

/** One global magnitude threshold: removes ceil(rate × all active units) by mean |w| per weight. */
function globalPrune(layers: UpdateLayer[], rate: number): Uint8Array[] {
  const entries: { layer: number; unit: number; score: number }[] = [];
  layers.forEach((l, li) => {
    const sums = unitSums(l.weights, l.grid, true);
    for (let u = 0; u < l.grid.units; u++) {
      if (l.unitMask[u]) entries.push({ layer: li, unit: u, score: sums[u] / l.grid.unitSize[u] });
    }
  });
  entries.sort((a, b) => a.score - b.score || a.layer - b.layer || a.unit - b.unit);
  const out = layers.map((l) => l.unitMask.slice());
  for (const e of entries.slice(0, pruneCount(entries.length, rate))) out[e.layer][e.unit] = 0;
  return out;
}

/**
 * One mask update of any dynamic sparse method: prune (magnitude, SET or global magnitude),
 * split the freed units over layers (by mean |momentum|, mean |w|, surviving non-zeros, or
 * each layer keeps its own), regrow (largest |momentum|, largest |gradient|, or at random).
 * Counts are in units (weights when block = 1); the total stays exact.
 */
export function maskUpdate(layers: UpdateLayer[], opts: UpdateOptions): UpdateResult {
  if (opts.structure === 'fanin') return fanInUpdate(layers, opts);
  if (opts.structure === 'nm')
    return nmUpdate(
      layers,
      opts,
      opts.nmGroup!,
      maskUpdate(layers, { ...opts, structure: 'none' }),
    );
  const elementMasks = layers.map((l) => expandMask(l.unitMask, l.grid));
  const meanMomentum = layers.map((l, i) => meanActiveMagnitude(l.momentum, elementMasks[i]));
  const activeBefore = layers.map((l) => countActive(l.unitMask));

  let pruned: Uint8Array[];
  if (opts.prune === 'global_magnitude') pruned = globalPrune(layers, opts.rate);
  else {
    pruned = layers.map((l, i) => {
      const signed = opts.prune === 'set';
      const scores = unitSums(l.weights, l.grid, !signed);
      return signed
        ? setPrune(scores, l.unitMask, opts.rate)
        : magnitudePrune(scores, l.unitMask, pruneCount(activeBefore[i], opts.rate));
    });
  }
  // A layer never loses its last tile: an empty layer would cut the network in two.
  pruned.forEach((m, i) => {
    if (activeBefore[i] > 0 && countActive(m) === 0) {
      const scores = unitSums(layers[i].weights, layers[i].grid, true);
      let best = -1;
      layers[i].unitMask.forEach((on, u) => {
        if (on && (best < 0 || scores[u] > scores[best])) best = u;
      });
      m[best] = 1;
    }
  });
  // Budgets are in weights, so tiles of different sizes (edge tiles) keep the density honest.
  const weightsBefore = layers.map((l) => activeWeights(l.unitMask, l.grid));
  const survivors = pruned.map((m, i) => activeWeights(m, layers[i].grid));
  const removed = weightsBefore.map((w, i) => w - survivors[i]);
  const total = removed.reduce((a, b) => a + b, 0);
  const capacity = layers.map((l, i) => l.grid.rows * l.grid.cols - survivors[i]);

  const shares = normalizeShares(
    contributions(opts.redist, layers, elementMasks, survivors, removed),
  );
  const budget = opts.redist === 'none' ? removed : allocateRegrowth(total, shares, capacity);

  // Candidate tiles per layer, best first: largest |momentum| or |gradient|, or a random order.
  const candidates = layers.map((l, i) => {
    const free: number[] = [];
    for (let u = 0; u < l.grid.units; u++) if (!pruned[i][u]) free.push(u);
    if (opts.growth === 'random') {
      const uniform = l.grid.block === 1;
      const order = opts.rng.sample(
        free.length,
        uniform ? Math.min(budget[i], free.length) : free.length,
      );
      return Array.from(order, (j) => free[j]);
    }
    const source = opts.growth === 'gradient' ? l.gradient : l.momentum;
    if (!source) throw new Error(`${l.name}: gradient growth needs the dense gradient`);
    // Tiles of one size take exactly the budget's best (the rest only if a later pass asks).
    const want = l.grid.block === 1 ? budget[i] : free.length;
    return new Ranked(free, unitSums(source, l.grid, true), want);
  });
  const unitMasks = pruned.map((m) => m.slice());
  const next = layers.map(() => 0);
  /** Activates a layer's next candidates that fit in `room` weights; returns what was used. */
  const grow = (i: number, room: number): number => {
    const { unitSize } = layers[i].grid;
    let used = 0;
    const list = candidates[i];
    for (let k = next[i]; used < room; k++) {
      const u = list.at(k);
      if (u === undefined) break;
      if (unitMasks[i][u] || unitSize[u] > room - used) continue;
      unitMasks[i][u] = 1;
      used += unitSize[u];
      if (k === next[i]) next[i]++;
    }
    return used;
  };
  let leftover = 0;
  budget.forEach((b, i) => (leftover += b - grow(i, b)));
  // What edge tiles left unplaced goes to the layers by share, where a tile still fits.
  const byShare = shares.map((_, i) => i).sort((a, b) => shares[b] - shares[a] || a - b);
  for (const i of byShare) if (leftover > 0) leftover -= grow(i, leftover);

  const masks = unitMasks.map((m, i) => expandMask(m, layers[i].grid));
  const weights = layers.map((l, i) => {
    const w = l.weights.slice();
    // Pruned weights vanish; newly grown ones start at exactly 0.
    for (let j = 0; j < w.length; j++) if (!masks[i][j] || !elementMasks[i][j]) w[j] = 0;
    return w;
  });
  const report: LayerUpdateReport[] = layers.map((l, i) => {
    const after = activeWeights(unitMasks[i], l.grid);
    return {
      name: l.name,
      size: l.grid.rows * l.grid.cols,
      activeBefore: weightsBefore[i],
      activeAfter: after,
      pruned: removed[i],
      regrown: after - survivors[i],
      meanMomentum: meanMomentum[i],
      momentumShare: shares[i],
      pruneRate: opts.rate,
    };
  });
  return { unitMasks, afterPrune: pruned, masks, weights, layers: report };
}

export interface SparseLayerState {
  name: string;
  weights: Float32Array;
  momentum: Float32Array;
  mask: Uint8Array;
}

const NO_RANDOM: IndexSampler = {
  sample: () => {
    throw new Error('sparse momentum draws no random numbers');
  },
};

/**
 * One sparse-momentum update (Dettmers & Zettlemoyer) over unstructured masks: magnitude prune,
 * momentum redistribution, momentum growth.
 */
export function sparseMomentumUpdate(
  layers: SparseLayerState[],
  rate: number,
): Omit<UpdateResult, 'unitMasks' | 'afterPrune'> {
  const {
    masks,
    weights,
    layers: report,
  } = maskUpdate(
    layers.map((l) => ({
      name: l.name,
      weights: l.weights,
      momentum: l.momentum,
      gradient: null,
      grid: blockGrid(1, l.mask.length, 1),
      unitMask: l.mask,
    })),
    { rate, prune: 'magnitude', growth: 'momentum', redist: 'momentum', rng: NO_RANDOM },
  );
  return { masks, weights, layers: report };
}
