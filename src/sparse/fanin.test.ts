import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { blockGrid } from './blocks';
import { drawFanInMask, exactRowBudgets, fanInCounts, fanInOf, rowCounts } from './fanin';
import { countActive } from './momentum';
import { testLayer, totalActive, LENET5_SHAPES as ODD, MLP_SHAPES as MLP } from './testShapes';
import { maskUpdate, type GrowthMode, type PruneMode, type RedistMode } from './update';
import type { UpdateLayer } from './update';

function fanInLayers(
  shapes: { rows: number; cols: number }[],
  density: number,
  seed: number,
): UpdateLayer[] {
  const rng = new Rng(seed);
  const counts = fanInCounts(
    shapes.map((s) => Math.round(density * s.rows * s.cols)),
    shapes,
  );
  return shapes.map(({ rows, cols }, i) => {
    const grid = blockGrid(rows, cols, 1);
    const unitMask = drawFanInMask(grid, counts[i], rng);
    return testLayer(i, grid, unitMask, rng);
  });
}

const total = totalActive;

describe('constant fan-in counts and masks', () => {
  it('rounds every layer to whole rows of at least one input, within half a row of the target', () => {
    for (const density of [0.001, 0.05, 0.2, 0.9]) {
      const want = MLP.map((s) => density * s.rows * s.cols);
      const counts = fanInCounts(want.map(Math.round), MLP);
      counts.forEach((n, i) => {
        expect(n % MLP[i].rows).toBe(0);
        expect(n / MLP[i].rows).toBeGreaterThanOrEqual(1);
        expect(n / MLP[i].rows).toBeLessThanOrEqual(MLP[i].cols);
        if (want[i] >= MLP[i].rows) expect(Math.abs(n - want[i])).toBeLessThanOrEqual(MLP[i].rows);
      });
    }
  });

  it('draws exactly k inputs in every row', () => {
    const grid = blockGrid(30, 40, 1);
    const mask = drawFanInMask(grid, 30 * 7, new Rng(1));
    expect([...new Set(rowCounts(mask, 30, 40))]).toEqual([7]);
    expect(fanInOf(mask, 30, 40)).toBe(7);
    mask[0] ^= 1;
    expect(() => fanInOf(mask, 30, 40)).toThrow(/not constant fan-in/);
  });
});

describe('exactRowBudgets', () => {
  it('keeps the freed total exactly while moving whole rows toward the targets', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 200; t++) {
      const shapes = t % 2 ? ODD : MLP;
      const rows = shapes.map((s) => s.rows);
      const pruned = shapes.map((s) => rng.int(Math.min(20, s.cols)));
      const room = shapes.map((s, i) => pruned[i] + rng.int(s.cols - pruned[i]));
      const freed = pruned.reduce((a, q, i) => a + q * rows[i], 0);
      const raw = shapes.map(() => rng.next() + 1e-3);
      const sum = raw.reduce((a, b) => a + b, 0);
      const target = raw.map((r) => (r / sum) * freed);
      const g = exactRowBudgets(pruned, rows, target, room);
      expect(g.reduce((a, x, i) => a + x * rows[i], 0)).toBe(freed);
      g.forEach((x, i) => {
        expect(Number.isInteger(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(room[i]);
      });
      const dev = (h: number[]) => h.reduce((a, x, i) => a + Math.abs(x * rows[i] - target[i]), 0);
      expect(dev(g)).toBeLessThanOrEqual(dev(pruned) + 1e-6);
    }
  });

  it('reaches the target where whole rows can: 300/100/10 outputs move in tens', () => {
    // Layer 0 freed 2 rows (600 weights); the targets give everything to layer 1.
    const g = exactRowBudgets([2, 0, 0], [300, 100, 10], [0, 600, 0], [10, 10, 10]);
    expect(g).toEqual([0, 6, 0]);
  });
});

describe('mask updates keeping constant fan-in', () => {
  const combos: [PruneMode, GrowthMode, RedistMode][] = [
    ['magnitude', 'momentum', 'momentum'],
    ['set', 'random', 'none'],
    ['magnitude', 'gradient', 'none'],
    ['global_magnitude', 'random', 'nonzero'],
    ['magnitude', 'momentum', 'magnitude'],
  ];
  for (const [shapesName, shapes] of [
    ['LeNet-300-100', MLP],
    ['LeNet-5 outputs', ODD],
  ] as const) {
    for (const density of [0.02, 0.05, 0.2]) {
      for (const [prune, growth, redist] of combos) {
        it(`${shapesName} at ${density}, ${prune}/${growth}/${redist}: equal rows and the exact total after every update`, () => {
          let layers = fanInLayers(shapes, density, density * 1000 + prune.length);
          const start = total(layers);
          const rng = new Rng(9);
          const fanIns: number[][] = [];
          for (let u = 0; u < 4; u++) {
            const res = maskUpdate(layers, {
              rate: 0.5 / (u + 1),
              prune,
              growth,
              redist,
              rng,
              structure: 'fanin',
            });
            res.unitMasks.forEach((m, i) => {
              const { rows, cols } = layers[i].grid;
              const k = fanInOf(m, rows, cols);
              expect(k).toBeGreaterThanOrEqual(1);
              expect(countActive(m)).toBe(k * rows);
              expect(res.layers[i].activeAfter).toBe(k * rows);
              // Weights exist only where the mask is on.
              let stray = 0;
              for (let j = 0; j < m.length; j++) if (!m[j] && res.weights[i][j] !== 0) stray++;
              expect(stray).toBe(0);
            });
            expect(total(res.unitMasks.map((unitMask) => ({ unitMask })))).toBe(start);
            fanIns.push(
              res.unitMasks.map((m, i) => fanInOf(m, layers[i].grid.rows, layers[i].grid.cols)),
            );
            layers = layers.map((l, i) => ({
              ...l,
              unitMask: res.unitMasks[i],
              weights: res.weights[i],
            }));
          }
          if (redist === 'none') for (const f of fanIns) expect(f).toEqual(fanIns[0]);
        });
      }
    }
  }

  it('momentum redistribution moves fan-in to the layer with the most momentum', () => {
    const layers = fanInLayers(MLP, 0.05, 1);
    const before = layers.map((l) => fanInOf(l.unitMask, l.grid.rows, l.grid.cols));
    const res = maskUpdate(layers, {
      rate: 0.5,
      prune: 'magnitude',
      growth: 'momentum',
      redist: 'momentum',
      rng: new Rng(2),
      structure: 'fanin',
    });
    const after = res.unitMasks.map((m, i) => fanInOf(m, MLP[i].rows, MLP[i].cols));
    // The output layer's momentum is 9x the first layer's: it gains inputs, the first loses.
    expect(after[2]).toBeGreaterThan(before[2]);
    expect(after[0]).toBeLessThan(before[0]);
  });
});
