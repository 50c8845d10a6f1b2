import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import { countActive } from '../sparse/momentum';
import { maxGroup, nmBound } from '../sparse/nm';
import { decode } from '../url/params';
import { toyData, toyImages } from './toyData';
import type { WeightSpec } from './model';
import { Trainer, type EpochMetrics, type MaskUpdateEvent } from './trainer';

async function run(query: string) {
  const { config, rejected } = decode(query);
  expect(rejected).toEqual([]);
  const epochs: EpochMetrics[] = [];
  const updates: MaskUpdateEvent[] = [];
  const trainer = new Trainer(new CpuBackend(), config, toyData(300, 1), toyData(200, 2), {
    epoch: (m) => epochs.push(m),
    maskUpdate: (u) => updates.push(u),
  });
  while (!trainer.finished) await trainer.step();
  return { trainer, epochs, updates };
}

type Store = { store: { params: { spec: WeightSpec; unitMask: Uint8Array }[] } };

describe('Trainer with structure=nm (CPU backend)', () => {
  for (const method of ['snfs', 'set', 'rigl'])
    it(`${method}: the total stays exact, every group within N, on the N:M kernels; it learns`, async () => {
      const query = `method=${method}&hidden=16,8&density=0.25&epochs=3&batch=20&lr=0.05&structure=nm&nm_group=4&update_every=5&kernels=sparse`;
      const { trainer, updates, epochs } = await run(query);
      expect(updates.length).toBeGreaterThan(3);
      const start = updates[0].layers.reduce((a, l) => a + l.activeBefore, 0);
      const totals = updates.map((u) => u.layers.reduce((a, l) => a + l.activeAfter, 0));
      expect(new Set(totals)).toEqual(new Set([start]));
      expect(trainer.layerKernels().map((k) => k.kernel)).toEqual(['nm', 'nm', 'nm']);
      const view = trainer.maskView().layers;
      (trainer as unknown as Store).store.params.forEach((p, i) => {
        const { inFeatures: cols, outFeatures: rows } = p.spec;
        const n = nmBound(countActive(p.unitMask), rows, cols, 4);
        expect(maxGroup(p.unitMask, rows, cols, 4), p.spec.name).toBeLessThanOrEqual(n);
        expect(view[i].nm).toEqual({ n, m: 4 });
      });
      // Weights are read back from the padded storage: none is set outside the mask.
      const layers = await trainer.snapshot();
      for (const l of layers)
        expect(l.weights.filter((w, j) => w !== 0 && !l.mask![j]).length).toBe(0);
      expect(epochs[epochs.length - 1].testAcc).toBeGreaterThan(0.5);
    });
});

describe('Trainer with structure=nm on LeNet-5 (CPU backend)', () => {
  it('the convolutions on N:M storage train with finite losses and no weight outside the mask', async () => {
    const { config } = decode(
      'model=lenet5&method=set&density=0.1&epochs=1&batch=20&lr=0.05&structure=nm&nm_group=4&kernels=sparse',
    );
    const trainer = new Trainer(
      new CpuBackend(),
      config,
      toyImages(60, 1, 28, 1),
      toyImages(40, 2, 28, 1),
    );
    while (!trainer.finished) await trainer.step();
    const test = await trainer.evaluate();
    expect(Number.isFinite(test.loss)).toBe(true);
    expect(trainer.layerKernels()[0].kernel).toBe('nm');
    for (const l of await trainer.snapshot())
      expect(
        l.weights.filter((w, j) => !Number.isFinite(w) || (w !== 0 && !l.mask![j])).length,
      ).toBe(0);
    trainer.release();
  });
});
