import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { blockGrid, expandMask, unitSums } from './blocks';
import { erScore, initialCounts } from './init';
import { isUpdateStep, pruneRateAt, resolveSparsity } from './methods';
import { countActive } from './momentum';
import {
  maskUpdate,
  setPrune,
  type GrowthMode,
  type PruneMode,
  type RedistMode,
  type UpdateLayer,
} from './update';
import { decode } from '../url/params';

const f32 = (a: number[]) => Float32Array.from(a);
const u8 = (a: number[]) => Uint8Array.from(a);

function randomLayers(seed: number, block: number, density: number): UpdateLayer[] {
  const rng = new Rng(seed);
  // Dimensions divisible by every block size, so tiles are whole and counts exact.
  const shapes = [
    [64, 96],
    [32, 64],
    [32, 32],
  ];
  return shapes.map(([rows, cols], i) => {
    const grid = blockGrid(rows, cols, block);
    const n = rows * cols;
    const unitMask = new Uint8Array(grid.units);
    for (const u of rng.sample(grid.units, Math.round(density * grid.units))) unitMask[u] = 1;
    const elementMask = expandMask(unitMask, grid);
    return {
      name: `l${i}`,
      grid,
      unitMask,
      weights: Float32Array.from({ length: n }, (_, j) =>
        elementMask[j] ? rng.uniform(-1, 1) : 0,
      ),
      momentum: Float32Array.from({ length: n }, () => rng.uniform(-1, 1) * (i + 1)),
      gradient: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
    };
  });
}

describe('mask updates for every method and block size', () => {
  const combos: [PruneMode, GrowthMode, RedistMode][] = [
    ['magnitude', 'momentum', 'momentum'],
    ['set', 'random', 'none'],
    ['magnitude', 'gradient', 'none'],
    ['global_magnitude', 'random', 'nonzero'],
    ['magnitude', 'momentum', 'magnitude'],
  ];
  for (const block of [1, 4, 8, 16, 32]) {
    for (const [prune, growth, redist] of combos) {
      it(`keeps the total exact and regrows only free tiles: ${prune}/${growth}/${redist}, block ${block}`, () => {
        let layers = randomLayers(block * 7 + prune.length, block, 0.2);
        const total = layers.reduce((s, l) => s + countActive(expandMask(l.unitMask, l.grid)), 0);
        const rng = new Rng(3);
        for (let step = 0; step < 4; step++) {
          const r = maskUpdate(layers, { rate: 0.4, prune, growth, redist, rng });
          expect(r.masks.reduce((s, m) => s + countActive(m), 0)).toBe(total);
          expect(r.layers.reduce((s, l) => s + l.regrown, 0)).toBe(
            r.layers.reduce((s, l) => s + l.pruned, 0),
          );
          r.layers.forEach((rep) =>
            expect(rep.activeAfter).toBe(rep.activeBefore - rep.pruned + rep.regrown),
          );
          r.masks.forEach((m, i) => {
            // Block-aligned: every tile is all on or all off.
            const sums = unitSums(Float32Array.from(m), layers[i].grid, false);
            sums.forEach((v, u) => expect([0, layers[i].grid.unitSize[u]]).toContain(v));
            for (let j = 0; j < m.length; j++) if (!m[j]) expect(r.weights[i][j]).toBe(0);
          });
          if (redist === 'none') r.layers.forEach((rep) => expect(rep.regrown).toBe(rep.pruned));
          layers = layers.map((l, i) => ({
            ...l,
            unitMask: r.unitMasks[i],
            weights: r.weights[i],
          }));
        }
      });
    }
  }
});

describe('SET prune', () => {
  it('removes the fraction closest to zero on each side of zero', () => {
    const w = [0.5, -0.1, 0.2, -0.9, 0.05, -0.3, 0.7, -0.02, 0];
    const mask = u8([1, 1, 1, 1, 1, 1, 1, 1, 0]);
    // positives 0.5 0.2 0.05 0.7 -> remove ceil(0.5*4)=2 smallest: 0.05 (4), 0.2 (2)
    // negatives -0.1 -0.9 -0.3 -0.02 -> remove 2 largest: -0.02 (7), -0.1 (1)
    expect(Array.from(setPrune(w, mask, 0.5))).toEqual([1, 0, 0, 1, 0, 1, 1, 0, 0]);
  });
});

describe('gradient growth (RigL)', () => {
  it('regrows where |gradient| is largest among free positions', () => {
    const layer: UpdateLayer = {
      name: 'a',
      grid: blockGrid(1, 6, 1),
      unitMask: u8([1, 1, 0, 0, 0, 0]),
      weights: f32([0.9, 0.1, 0, 0, 0, 0]),
      momentum: f32([0, 0, 9, 9, 9, 9]),
      gradient: f32([5, 5, 0.1, -3, 0.2, 2]),
    };
    const r = maskUpdate([layer], {
      rate: 0.5,
      prune: 'magnitude',
      growth: 'gradient',
      redist: 'none',
      rng: new Rng(1),
    });
    // Prunes idx 1 (|w| 0.1). Free positions are then 1..5; idx 1 has the largest |g| (5), so it
    // comes straight back, keeping its value (as in the reference implementations).
    expect(Array.from(r.masks[0])).toEqual([1, 1, 0, 0, 0, 0]);
    expect(r.weights[0][1]).toBeCloseTo(0.1, 6);
    // With idx 1's gradient at 0, the regrowth goes to idx 3 (|g| 3, larger than 0.1, 0.2 and 2).
    const r2 = maskUpdate([{ ...layer, gradient: f32([5, 0, 0.1, -3, 0.2, 2]) }], {
      rate: 0.5,
      prune: 'magnitude',
      growth: 'gradient',
      redist: 'none',
      rng: new Rng(1),
    });
    expect(Array.from(r2.masks[0])).toEqual([1, 0, 0, 1, 0, 0]);
    expect(r2.weights[0][3]).toBe(0);
  });
});

describe('block geometry', () => {
  it('tiles with partial edges', () => {
    const g = blockGrid(300, 784, 16);
    expect(g.blockRows).toBe(19);
    expect(g.blockCols).toBe(49);
    expect(g.unitSize[0]).toBe(256);
    expect(g.unitSize[18 * 49]).toBe(12 * 16);
    expect(g.unitSize.reduce((a, b) => a + b, 0)).toBe(300 * 784);
  });
});

describe('initial densities', () => {
  const lenet = [
    { size: 784 * 300, inFeatures: 784, outFeatures: 300 },
    { size: 300 * 100, inFeatures: 300, outFeatures: 100 },
    { size: 100 * 10, inFeatures: 100, outFeatures: 10 },
  ];
  for (const mode of ['uniform', 'er', 'erk'] as const) {
    for (const density of [0.01, 0.05, 0.2, 0.5]) {
      it(`${mode} at ${density} adds up exactly`, () => {
        const counts = initialCounts(lenet, density, mode);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(Math.round(density * 266200));
        counts.forEach((c, i) => expect(c).toBeLessThanOrEqual(lenet[i].size));
      });
    }
  }

  it('gives small layers more density under ER, capping full layers and re-spreading the excess', () => {
    const counts = initialCounts(lenet, 0.05, 'er');
    const d = counts.map((c, i) => c / lenet[i].size);
    expect(d[0]).toBeLessThan(d[1]);
    expect(d[1]).toBeLessThan(d[2]);
    expect(initialCounts(lenet, 0.5, 'er')[2]).toBe(1000); // fc3 saturates at 1
    expect(erScore(lenet[0], 'er')).toBeCloseTo((784 + 300) / (784 * 300), 12);
  });
});

describe('methods', () => {
  it('resolve knobs from the method, with explicit URL knobs winning', () => {
    expect(resolveSparsity(decode('method=rigl').config)).toMatchObject({
      prune: 'magnitude',
      growth: 'gradient',
      redist: 'none',
      init: 'erk',
      updateEvery: 100,
      updateUntil: 0.75,
    });
    expect(resolveSparsity(decode('method=set&growth=momentum').config)).toMatchObject({
      prune: 'set',
      growth: 'momentum',
      init: 'er',
    });
    expect(resolveSparsity(decode('method=dense&density=0.1').config)).toMatchObject({
      density: 1,
      dynamic: false,
    });
    expect(resolveSparsity(decode('method=static').config).dynamic).toBe(false);
  });

  it('schedule update steps: epoch ends but the last, or every N steps until the cut-off', () => {
    const snfs = resolveSparsity(decode('').config);
    const at = (s: typeof snfs) =>
      [...Array(2701).keys()].filter((t) => isUpdateStep(s, t, 540, 2700));
    expect(at(snfs)).toEqual([540, 1080, 1620, 2160]);
    const rigl = resolveSparsity(decode('method=rigl').config);
    expect(at(rigl)).toHaveLength(20);
    expect(at(rigl).at(-1)).toBe(2000);
    expect(at(resolveSparsity(decode('method=static').config))).toEqual([]);
    // The cut-off is strict, as in RigL: no update at exactly 75% of training.
    const every5 = resolveSparsity(decode('method=rigl&update_every=5').config);
    const steps = [...Array(41).keys()].filter((t) => isUpdateStep(every5, t, 20, 40));
    expect(steps).toEqual([5, 10, 15, 20, 25]);
  });

  it('prune-rate schedules', () => {
    expect(pruneRateAt('constant', 100, 200, 0.3)).toBe(0.3);
    expect(pruneRateAt('linear', 100, 200, 0.5)).toBeCloseTo(0.2525, 12);
    expect(pruneRateAt('cosine', 540, 2700, 0.5)).toBeCloseTo(0.4527, 4);
  });
});

describe('blocks with partial edge tiles', () => {
  it('budget regrowth in weights, so the total stays within one tile of exact', () => {
    const rng = new Rng(9);
    // LeNet-300-100 shapes at block 16: fc3 (10 x 100) is one row of partial tiles.
    const shapes = [
      [300, 784],
      [100, 300],
      [10, 100],
    ];
    let layers: UpdateLayer[] = shapes.map(([rows, cols], i) => {
      const grid = blockGrid(rows, cols, 16);
      const unitMask = new Uint8Array(grid.units);
      for (const u of rng.sample(grid.units, Math.max(1, Math.round(0.05 * grid.units))))
        unitMask[u] = 1;
      const n = rows * cols;
      return {
        name: `fc${i + 1}`,
        grid,
        unitMask,
        weights: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
        momentum: Float32Array.from({ length: n }, () => rng.uniform(-1, 1) * (i + 1) ** 2),
        gradient: null,
      };
    });
    const weightsOf = (ls: UpdateLayer[]) =>
      ls.reduce((s, l) => s + countActive(expandMask(l.unitMask, l.grid)), 0);
    const start = weightsOf(layers);
    for (let step = 0; step < 5; step++) {
      const r = maskUpdate(layers, {
        rate: 0.45,
        prune: 'magnitude',
        growth: 'momentum',
        redist: 'momentum',
        rng,
      });
      layers = layers.map((l, i) => ({ ...l, unitMask: r.unitMasks[i], weights: r.weights[i] }));
      expect(Math.abs(weightsOf(layers) - start)).toBeLessThan(256);
      for (const l of layers) expect(countActive(l.unitMask)).toBeGreaterThan(0);
    }
  });

  it('never empties a layer', () => {
    const layer: UpdateLayer = {
      name: 'tiny',
      grid: blockGrid(1, 4, 1),
      unitMask: Uint8Array.of(0, 1, 0, 0),
      weights: Float32Array.of(0, 0.5, 0, 0),
      momentum: Float32Array.of(0, 0, 0, 0),
      gradient: null,
    };
    const r = maskUpdate([layer], {
      rate: 0.9,
      prune: 'magnitude',
      growth: 'momentum',
      redist: 'none',
      rng: new Rng(1),
    });
    expect(countActive(r.unitMasks[0])).toBe(1);
  });
});
