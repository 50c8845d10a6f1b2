import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import {
  allocateRegrowth,
  countActive,
  magnitudePrune,
  meanActiveMagnitude,
  momentumGrowth,
  pruneCount,
  randomMask,
} from './momentum';
import { pruneRateAt } from './methods';
import { sparseMomentumUpdate, type SparseLayerState } from './update';

const f32 = (a: number[]) => Float32Array.from(a);
const u8 = (a: number[]) => Uint8Array.from(a);

describe('mask initialisation', () => {
  it('activates exactly round(density x size) positions, reproducibly', () => {
    const m = randomMask(235200, 0.05, new Rng(17));
    expect(countActive(m)).toBe(11760);
    expect(randomMask(235200, 0.05, new Rng(17))).toEqual(m);
    expect(randomMask(235200, 0.05, new Rng(18))).not.toEqual(m);
    expect(countActive(randomMask(10, 0.26, new Rng(1)))).toBe(3);
  });
});

describe('prune-rate schedule', () => {
  it('matches the reference rates at the ends of epochs 1-4 (540 steps an epoch, 5 epochs)', () => {
    const rates = [1, 2, 3, 4].map((e) => pruneRateAt('cosine', 540 * e, 2700, 0.5));
    expect(rates.map((r) => r.toFixed(4))).toEqual(['0.4527', '0.3290', '0.1760', '0.0523']);
    expect(pruneRateAt('cosine', 0, 2700, 0.5)).toBeCloseTo(0.5, 12);
    expect(pruneRateAt('cosine', 2700, 2700, 0.5)).toBeCloseTo(0.005, 12);
  });

  it('removes ceil(rate x active)', () => {
    expect(pruneCount(10, 0.25)).toBe(3);
    expect(pruneCount(11760, 0.4527)).toBe(5324);
    expect(pruneCount(4, 0.5)).toBe(2);
    expect(pruneCount(0, 0.5)).toBe(0);
  });
});

describe('magnitude prune', () => {
  it('removes the smallest |w| among active weights only, ties by index', () => {
    const w = f32([0.5, -0.1, 0, 0.3, -0.2, 0.05, 0.1]);
    const mask = u8([1, 1, 0, 1, 1, 0, 1]);
    // active |w|: 0.5, 0.1, 0.3, 0.2, 0.1 -> remove idx 1 and 6 (tie 0.1, lower index first)
    expect(Array.from(magnitudePrune(w, mask, 2))).toEqual([1, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(magnitudePrune(w, mask, 3))).toEqual([1, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(mask)).toEqual([1, 1, 0, 1, 1, 0, 1]); // input untouched
  });

  it('removes exact zeros first', () => {
    const w = f32([0, 0.4, 0.2]);
    expect(Array.from(magnitudePrune(w, u8([1, 1, 1]), 1))).toEqual([0, 1, 1]);
  });
});

describe('momentum growth', () => {
  it('regrows where |momentum| is largest among inactive positions, never onto active ones', () => {
    const v = f32([9, -0.5, 0.1, -3, 2, 0.2]);
    const mask = u8([1, 0, 0, 0, 1, 0]);
    const { mask: out, grown } = momentumGrowth(v, mask, 2);
    expect(Array.from(grown)).toEqual([3, 1]);
    expect(Array.from(out)).toEqual([1, 1, 0, 1, 1, 0]);
    expect(() => momentumGrowth(v, mask, 5)).toThrow(/free slots/);
  });
});

describe('redistribution', () => {
  it('splits regrowth by momentum share', () => {
    expect(allocateRegrowth(10, [0.5, 0.3, 0.2], [100, 100, 100])).toEqual([5, 3, 2]);
  });

  it('re-spreads what a full layer cannot take over the others by share', () => {
    // layer 2 wants 0.6 x 100 = 60 but has 10 free slots; the other 50 go 2:1.
    const out = allocateRegrowth(100, [0.2, 0.1, 0.6, 0.1], [1000, 1000, 10, 3]);
    expect(out[2]).toBe(10);
    expect(out[3]).toBe(3);
    expect(out.reduce((a, b) => a + b, 0)).toBe(100);
    // After 2 and 3 fill, layers 0 and 1 split the 87 left 2:1.
    expect(out[0]).toBe(58);
    expect(out[1]).toBe(29);
  });

  it('rounds so the total is exact', () => {
    const out = allocateRegrowth(7, [1 / 3, 1 / 3, 1 / 3], [10, 10, 10]);
    expect(out.reduce((a, b) => a + b, 0)).toBe(7);
    expect(Math.max(...out) - Math.min(...out)).toBeLessThanOrEqual(1);
  });

  it('refuses more regrowth than free slots', () => {
    expect(() => allocateRegrowth(5, [1, 1], [2, 2])).toThrow();
  });
});

describe('one sparse-momentum update', () => {
  it('prunes, redistributes and regrows a hand-built two-layer case with exact counts', () => {
    // Layer a: 8 weights, 4 active. Layer b: 4 weights, 2 active.
    const a = {
      name: 'a',
      weights: f32([0.9, 0, -0.1, 0, 0.4, 0, -0.05, 0]),
      momentum: f32([0.1, 0.01, 0.1, 0.02, 0.1, 0.03, 0.1, 0.04]),
      mask: u8([1, 0, 1, 0, 1, 0, 1, 0]),
    };
    const b = {
      name: 'b',
      weights: f32([0.7, 0, 0, -0.2]),
      momentum: f32([0.3, 0.5, 0.8, 0.3]),
      mask: u8([1, 0, 0, 1]),
    };
    expect(meanActiveMagnitude(a.momentum, a.mask)).toBeCloseTo(0.1, 6);
    expect(meanActiveMagnitude(b.momentum, b.mask)).toBeCloseTo(0.3, 6);
    const r = sparseMomentumUpdate([a, b], 0.5);
    // a removes ceil(0.5*4)=2 (idx 6: 0.05, idx 2: 0.1); b removes 1 (idx 3: 0.2). Total 3.
    expect(r.layers.map((l) => l.pruned)).toEqual([2, 1]);
    // shares 0.25 / 0.75 -> a regrows 0.75, b 2.25; b has 3 free slots -> largest remainder gives [1, 2].
    expect(r.layers.map((l) => l.regrown)).toEqual([1, 2]);
    expect(r.layers.map((l) => l.momentumShare)).toEqual(
      [0.25, 0.75].map((x) => expect.closeTo(x, 6)),
    );
    // a regrows at idx 2: just pruned, but its |v| 0.1 is the largest inactive (tie with 6, lower index).
    expect(Array.from(r.masks[0])).toEqual([1, 0, 1, 0, 1, 0, 0, 0]);
    expect(Array.from(r.masks[1])).toEqual([1, 1, 1, 0]); // regrew idx 2 (0.8) and 1 (0.5)
    expect(countActive(r.masks[0]) + countActive(r.masks[1])).toBe(6);
    // Pruned weights are zero, regrown weights start at zero, survivors keep their value; a weight
    // pruned and regrown in the same update keeps its value, as in the reference.
    expect(Array.from(r.weights[0])).toEqual(Array.from(f32([0.9, 0, -0.1, 0, 0.4, 0, 0, 0])));
    expect(Array.from(r.weights[1])).toEqual(Array.from(f32([0.7, 0, 0, 0])));
  });

  it('keeps the total density exact over many random updates, even when a layer fills up', () => {
    const rng = new Rng(5);
    const sizes = [784 * 30, 30 * 10, 10 * 10];
    let layers: SparseLayerState[] = sizes.map((n, i) => ({
      name: `fc${i + 1}`,
      weights: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
      momentum: Float32Array.from({ length: n }, () => rng.uniform(-1, 1) * (i + 1) ** 3),
      mask: randomMask(n, 0.05, rng),
    }));
    const total = layers.reduce((s, l) => s + countActive(l.mask), 0);
    for (let step = 0; step < 6; step++) {
      const r = sparseMomentumUpdate(layers, 0.4);
      expect(r.masks.reduce((s, m) => s + countActive(m), 0)).toBe(total);
      r.masks.forEach((m, i) => {
        for (let j = 0; j < m.length; j++) if (!m[j]) expect(r.weights[i][j]).toBe(0);
        expect(countActive(m)).toBeLessThanOrEqual(m.length);
      });
      layers = layers.map((l, i) => ({ ...l, mask: r.masks[i], weights: r.weights[i] }));
    }
    // The last layer has by far the largest momentum: it fills up first.
    expect(countActive(layers[2].mask)).toBe(100);
  });
});
