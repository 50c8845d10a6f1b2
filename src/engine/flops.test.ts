import { describe, expect, it } from 'vitest';
import { stepFlops } from './flops';

describe('training-step FLOPs', () => {
  const layers = [
    { macsPerSample: 1000, density: 0.1, inputNonZero: 1 },
    { macsPerSample: 100, density: 0.5, inputNonZero: 0.4 },
  ];

  it('counts forward, input and weight gradients, 2 FLOPs a multiply-add', () => {
    const f = stepFlops(layers, 10, false);
    // dense: layer 1 has no input gradient: 2 passes; layer 2: 3 passes.
    expect(f.dense).toBe(2 * 1000 * 10 * 2 + 2 * 100 * 10 * 3);
    expect(f.weightSparse).toBeCloseTo(0.1 * 20000 * 2 + 0.5 * 2000 * 3, 6);
    expect(f.doubleSparse).toBeCloseTo(0.1 * 20000 * 2 + (0.5 * 0.4 + 0.5 + 0.5 * 0.4) * 2000, 6);
  });

  it('keeps the weight gradient dense when the method needs the dense gradient', () => {
    const sparse = stepFlops(layers, 10, false);
    const momentum = stepFlops(layers, 10, true);
    expect(momentum.weightSparse - sparse.weightSparse).toBeCloseTo(0.9 * 20000 + 0.5 * 2000, 6);
    expect(momentum.weightSparse).toBeLessThan(momentum.dense);
  });
});
