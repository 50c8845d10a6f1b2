import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { blockGrid } from './blocks';
import { compactValues, expandValues } from './format';
import { countActive } from './momentum';
import { buildNmFormat, drawNmMask, groupCounts, maxGroup, NM_PAD, nmBound } from './nm';
import { testLayer, totalActive, LENET5_SHAPES as LENET5, MLP_SHAPES as MLP } from './testShapes';
import { maskUpdate, type GrowthMode, type PruneMode, type RedistMode } from './update';
import type { UpdateLayer } from './update';

function nmLayers(
  shapes: { rows: number; cols: number }[],
  density: number,
  m: number,
  seed: number,
): UpdateLayer[] {
  const rng = new Rng(seed);
  return shapes.map(({ rows, cols }, i) => {
    const grid = blockGrid(rows, cols, 1);
    const unitMask = drawNmMask(grid, Math.round(density * rows * cols), m, rng);
    return testLayer(i, grid, unitMask, rng);
  });
}

const total = totalActive;
const bound = (l: UpdateLayer, m: number) =>
  nmBound(countActive(l.unitMask), l.grid.rows, l.grid.cols, m);

describe('N:M bounds and masks', () => {
  it('N is ceil(count / groups) when M divides the inputs, larger only for short last groups', () => {
    expect(nmBound(11760, 300, 784, 16)).toBe(1); // 5% of fc1: 0.8 per group of 16
    expect(nmBound(14700, 300, 784, 16)).toBe(1); // exactly one per group
    expect(nmBound(14701, 300, 784, 16)).toBe(2);
    // 100 inputs in 16s: six groups of 16 and one of 4; 95 of 100 need N = 16 there.
    expect(nmBound(950, 10, 100, 16)).toBe(16);
    expect(nmBound(1000, 10, 100, 16)).toBe(16);
    expect(() => nmBound(1001, 10, 100, 16)).toThrow(/do not fit/);
  });

  it('draws exactly the count, every group within N, for every model shape and M', () => {
    for (const m of [4, 8, 16, 20, 32]) {
      for (const { rows, cols } of [...MLP, ...LENET5]) {
        for (const density of [0.02, 0.05, 0.3]) {
          const count = Math.round(density * rows * cols);
          const grid = blockGrid(rows, cols, 1);
          const mask = drawNmMask(grid, count, m, new Rng(m + rows));
          expect(countActive(mask)).toBe(count);
          expect(maxGroup(mask, rows, cols, m)).toBeLessThanOrEqual(nmBound(count, rows, cols, m));
        }
      }
    }
  });

  it('stores N slots per group, real weights first, padding past the inputs; values round-trip', () => {
    // 2 rows of 6 inputs in groups of 4 (the last one of 2): 5 weights need N = 2; row 0
    // holds 2 + 1, row 1 holds 1 + 1.
    const grid = blockGrid(2, 6, 1);
    const mask = Uint8Array.from([1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]);
    const f = buildNmFormat(mask, grid, 4);
    expect(f.nm).toEqual({ group: 4, n: 2 });
    expect(f.fanIn).toBe(4);
    const col = (k: number) => (f.colIdx[k >> 1] >>> ((k & 1) * 16)) & 0xffff;
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(col)).toEqual([0, 2, 5, NM_PAD, 1, 4, NM_PAD, NM_PAD]);
    expect(Array.from(f.rowPtr)).toEqual([0, 4, 8]);
    // The transposed index holds only real weights, at their slots.
    expect(f.colPtr[6]).toBe(5);
    expect(Array.from(f.tEntry)).toEqual([0, 1, 0 | (1 << 16), 1 | (1 << 16), 0 | (2 << 16)]);
    const dense = Float32Array.from({ length: 12 }, (_, j) => (mask[j] ? j + 1 : 0));
    const values = compactValues(dense, f, grid);
    expect(Array.from(values)).toEqual([1, 3, 6, 0, 8, 11, 0, 0]);
    expect(expandValues(values, f, grid)).toEqual(dense);
    // Two in a group where the count allows only one is not N:M.
    expect(() =>
      buildNmFormat(Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), grid, 4),
    ).toThrow(/not an N:M mask/);
  });
});

/** `steps` sparse momentum updates (magnitude prune at 0.5, momentum regrowth) in groups of 16. */
function momentumUpdates(layers: UpdateLayer[], steps: number, rng: Rng): UpdateLayer[] {
  for (let step = 0; step < steps; step++) {
    const r = maskUpdate(layers, {
      rate: 0.5,
      prune: 'magnitude',
      growth: 'momentum',
      redist: 'momentum',
      rng,
      structure: 'nm',
      nmGroup: 16,
    });
    layers = layers.map((l, i) => ({ ...l, unitMask: r.unitMasks[i], weights: r.weights[i] }));
  }
  return layers;
}

// LeNet-300-100-sized updates take seconds each on a loaded machine.
describe('N:M mask updates', { timeout: 60_000 }, () => {
  const modes: [PruneMode, GrowthMode, RedistMode][] = [
    ['magnitude', 'momentum', 'momentum'],
    ['set', 'random', 'none'],
    ['magnitude', 'gradient', 'none'],
    ['global_magnitude', 'momentum', 'magnitude'],
    ['magnitude', 'random', 'nonzero'],
  ];
  for (const [m, [prune, growth, redist]] of modes.map(
    (mode, i) => [i % 2 ? 20 : 16, mode] as const,
  )) {
    {
      it(`M=${m} ${prune}/${growth}/${redist}: the total stays exact and every group within its N`, () => {
        let layers = nmLayers(MLP, 0.05, m, 3);
        const start = total(layers);
        const rng = new Rng(9);
        for (let step = 0; step < 3; step++) {
          const r = maskUpdate(layers, {
            rate: 0.3,
            prune,
            growth,
            redist,
            rng,
            structure: 'nm',
            nmGroup: m,
          });
          layers = layers.map((l, i) => ({
            ...l,
            unitMask: r.unitMasks[i],
            weights: r.weights[i],
          }));
          expect(total(layers)).toBe(start);
          r.layers.forEach((rep, i) => {
            const l = layers[i];
            expect(countActive(l.unitMask)).toBe(rep.activeAfter);
            expect(rep.activeBefore - rep.pruned + rep.regrown).toBe(rep.activeAfter);
            const { rows, cols } = l.grid;
            expect(maxGroup(l.unitMask, rows, cols, m)).toBeLessThanOrEqual(bound(l, m));
            // New weights start at 0; pruned ones are gone.
            expect(l.weights.filter((w, j) => w !== 0 && !l.unitMask[j]).length).toBe(0);
          });
          if (redist === 'none')
            r.layers.forEach((rep) => expect(rep.activeAfter).toBe(rep.activeBefore));
        }
      });
    }
  }

  it('momentum redistribution moves counts between layers, and N follows them', () => {
    let layers = nmLayers(MLP, 0.05, 16, 5);
    const n0 = layers.map((l) => bound(l, 16));
    layers = momentumUpdates(layers, 4, new Rng(1));
    const n1 = layers.map((l) => bound(l, 16));
    // The output layer (largest momentum) gains weights and with them a larger N.
    expect(n1[2]).toBeGreaterThan(n0[2]);
    layers.forEach((l, i) => {
      const { rows, cols } = l.grid;
      expect(maxGroup(l.unitMask, rows, cols, 16)).toBeLessThanOrEqual(n1[i]);
    });
  });

  it('a layer that loses weights trims its fullest groups to the smaller N', () => {
    // fc1 starts at N = 2 (two per group); nearly all freed weights go to the other layers.
    let layers = nmLayers(MLP, 0.12, 16, 2);
    expect(bound(layers[0], 16)).toBe(2);
    layers = momentumUpdates(layers, 3, new Rng(4));
    const g = groupCounts(layers[0].unitMask, 300, 784, 16);
    expect(Math.max(...g)).toBeLessThanOrEqual(bound(layers[0], 16));
    expect(bound(layers[0], 16)).toBe(1);
  });

  it('what a layer can only place at zero-score positions goes to a layer that can place it', () => {
    // Two 2x8 layers in groups of 4 (N = 1). Layer 0's missing weights all have momentum 0
    // (inputs that are always 0): its two pruned weights regrow in layer 1 instead.
    const grid = blockGrid(2, 8, 1);
    const layer = (mask: number[], momentum: (j: number) => number): UpdateLayer => ({
      name: 'l',
      grid,
      unitMask: Uint8Array.from(mask),
      weights: Float32Array.from(mask, (on, j) => on * (j + 1)),
      momentum: Float32Array.from(mask, (_, j) => momentum(j)),
      gradient: null,
    });
    const dead = layer([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], () => 0);
    const live = layer([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], (j) => j + 1);
    const opts = { rate: 0.5, prune: 'magnitude', growth: 'momentum', redist: 'none' } as const;
    const r = maskUpdate([dead, live], { ...opts, rng: new Rng(1), structure: 'nm', nmGroup: 4 });
    expect(r.unitMasks.map(countActive)).toEqual([2, 4]);
    // Layer 0 keeps its two largest weights and grows nothing; layer 1 fills its four groups.
    expect(Array.from(r.unitMasks[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(groupCounts(r.unitMasks[1], 2, 8, 4))).toEqual([1, 1, 1, 1]);
    expect(r.layers.map((l) => l.activeAfter)).toEqual([2, 4]);
  });
});
