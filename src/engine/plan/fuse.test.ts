import { describe, expect, it, vi } from 'vitest';
import { CpuBackend } from '../../cpu/backend';
import { decode } from '../../url/params';
import { toyImages } from '../toyData';
import { Trainer } from '../trainer';

// Fusion switched off by a flag, so the same trainer runs with and without it.
const flag = vi.hoisted(() => ({ fuse: true }));
vi.mock('./fuse', async (importOriginal) => {
  const real = await importOriginal<typeof import('./fuse')>();
  return {
    fusePlan: (p: Parameters<typeof real.fusePlan>[0]) => (flag.fuse ? real.fusePlan(p) : p),
  };
});

async function train(query: string, fuse: boolean) {
  flag.fuse = fuse;
  const { config } = decode(query);
  const trainer = new Trainer(
    new CpuBackend(),
    config,
    toyImages(60, 1, 16, 1),
    toyImages(40, 2, 16, 1),
  );
  const epochs: number[] = [];
  while (!trainer.finished) await trainer.step();
  const test = await trainer.evaluate();
  epochs.push(test.loss, test.acc);
  const ops = trainer.stepOps.map((o) => o.kernel);
  const weights = await trainer.snapshot();
  trainer.release();
  return { ops, weights, epochs };
}

describe('fusePlan', () => {
  const queries = [
    // Dense momentum state keeps the conv patches: CSR on transposed activations (patches
    // written transposed by im2col, row-major too for the dense gradient).
    'model=lenet5&method=snfs&momentum_window=all&density=0.1&epochs=1&batch=20&kernels=sparse',
    // Stored-weight gradients only: an implicit-GEMM conv1 (no patches), conv2 on patches.
    'model=lenet5&method=set&density=0.1&epochs=1&batch=20&kernels=sparse',
    // Dense kernels: ReLU fused into linear_forward and into the pool's backward.
    'model=lenet5&density=1&epochs=1&batch=20',
  ];
  for (const query of queries)
    it(`trains exactly as the unfused ops do, with fewer ops: ${query}`, async () => {
      const plain = await train(query, false);
      const fused = await train(query, true);
      expect(fused.epochs).toEqual(plain.epochs);
      for (const [i, w] of fused.weights.entries()) {
        expect(w.weights, w.name).toEqual(plain.weights[i].weights);
        expect(w.momentum, w.name).toEqual(plain.weights[i].momentum);
      }
      // conv1, conv2 and fc1's ReLUs in the forward pass; in the backward conv1's and conv2's
      // (into the pools' backward) and fc1's (into fc2's input gradient).
      const count = (ops: string[], k: string) => ops.filter((o) => o === k).length;
      expect(count(plain.ops, 'reluForward') - count(fused.ops, 'reluForward')).toBe(3);
      expect(count(plain.ops, 'reluBackward') - count(fused.ops, 'reluBackward')).toBe(3);
      // Every layer's bias gradient, summed by its weight gradient, except an implicit-GEMM
      // conv1's (its weight gradient is a workgroup per stored weight, not per output).
      const convBias = query.includes('method=set') ? 1 : 0;
      expect([count(plain.ops, 'biasGrad'), count(fused.ops, 'biasGrad')]).toEqual([4, convBias]);
      // conv2's patches written transposed by im2col (and conv1's too with the dense state).
      const transposes = query.includes('momentum_window=all') ? 2 : convBias;
      expect(count(plain.ops, 'transpose') - count(fused.ops, 'transpose')).toBe(transposes);
      expect(fused.ops.length).toBe(plain.ops.length - 10 + convBias - transposes);
    });

  it('trains an MLP on CSR exactly as the unfused ops do, the gather writing the transposed batch', async () => {
    const query = 'model=mlp&hidden=32,16&method=set&density=0.1&epochs=1&batch=20&kernels=sparse';
    const plain = await train(query, false);
    const fused = await train(query, true);
    expect(fused.epochs).toEqual(plain.epochs);
    for (const [i, w] of fused.weights.entries())
      expect(w.weights).toEqual(plain.weights[i].weights);
    const count = (ops: string[], k: string) => ops.filter((o) => o === k).length;
    // Both ReLUs forward and backward, the three bias gradients and fc1's input transpose.
    expect(['reluForward', 'reluBackward', 'biasGrad'].map((k) => count(fused.ops, k))).toEqual([
      0, 0, 0,
    ]);
    expect(count(plain.ops, 'transpose') - count(fused.ops, 'transpose')).toBe(1);
    expect(fused.ops.length).toBe(plain.ops.length - 8);
  });

  it('fuses the ReLU after each BatchNorm into bnForward, training exactly as before', async () => {
    const query = 'model=vgg&method=snfs&density=0.3&epochs=1&batch=20';
    const plain = await train(query, false);
    const fused = await train(query, true);
    expect(fused.epochs).toEqual(plain.epochs);
    for (const [i, w] of fused.weights.entries())
      expect(w.weights, w.name).toEqual(plain.weights[i].weights);
    // conv → BatchNorm → ReLU → pool three times, then fc1's ReLU: no ReLU forward is left,
    // and the three before a pool have their backward done by the pool's.
    expect(plain.ops.filter((o) => o === 'reluForward')).toHaveLength(4);
    expect(fused.ops.filter((o) => o === 'reluForward')).toEqual([]);
    expect(fused.ops.length).toBeLessThanOrEqual(plain.ops.length - 7);
  });
});
