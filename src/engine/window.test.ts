/**
 * Sparse momentum with a momentum window (src/sparse/window.ts) against the exact run: from the
 * same checkpoint, the update after one windowed epoch regrows the positions the exact one
 * does and splits the regrowth over the layers in the same shares.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import { mnistFromIdx, takeFirst, type ImageDataset } from '../data/dataset';
import { decode } from '../url/params';
import { toyImages } from './toyData';
import { Trainer, type Checkpoint, type MaskUpdateEvent } from './trainer';

const MNIST = new URL('../../public/data/mnist/', import.meta.url);

/** The first training and test images of MNIST (`npm run prepare-data`), else toy digits. */
function data(train: number, test: number): { name: string; sets: [ImageDataset, ImageDataset] } {
  const file = (name: string) => gunzipSync(readFileSync(new URL(name, MNIST)));
  const set = (prefix: string, count: number) =>
    takeFirst(
      mnistFromIdx(
        file(`${prefix}-images-idx3-ubyte.gz`),
        file(`${prefix}-labels-idx1-ubyte.gz`),
        { images: prefix, labels: prefix },
        prefix,
      ),
      count,
    );
  if (existsSync(new URL('train-images-idx3-ubyte.gz', MNIST)))
    return { name: 'MNIST', sets: [set('train', train), set('t10k', test)] };
  return { name: 'toy images', sets: [toyImages(train, 1, 28, 1), toyImages(test, 2, 28, 1)] };
}

const trainerFor = (query: string, sets: [ImageDataset, ImageDataset], resume?: Checkpoint) => {
  const { config, rejected } = decode(query);
  expect(rejected).toEqual([]);
  const events = { updates: [] as MaskUpdateEvent[] };
  const trainer = new Trainer(
    new CpuBackend(),
    config,
    sets[0],
    sets[1],
    { maskUpdate: (u) => events.updates.push(u) },
    { keepCheckpoints: !resume, resume },
  );
  return { trainer, events };
};

/** Runs to the end of the epoch (its update included); returns the positions it regrew. */
async function regrowthOfEpoch(trainer: Trainer): Promise<Set<number>[]> {
  while (trainer.globalStep % trainer.stepsPerEpoch !== trainer.stepsPerEpoch - 1)
    await trainer.step();
  const before = await trainer.snapshot();
  await trainer.step();
  const after = await trainer.snapshot();
  return after.map((l, i) => {
    const grown = new Set<number>();
    l.mask!.forEach((on, j) => {
      if (on && !before[i].mask![j]) grown.add(j);
    });
    return grown;
  });
}

describe('momentum window against the exact run', () => {
  it('regrows >= 99% of the same positions with the same redistribution, from the same state', async () => {
    // LeNet-300-100 at 5%: 100 steps an epoch, so the 66-step window of the update after epoch
    // 2 starts 34 steps into it, from a missing momentum of 0.
    const base = 'density=0.05&batch=20&train=2000&epochs=3&seed=17';
    const { name, sets } = data(2000, 500);
    const exact = trainerFor(`${base}&momentum_window=all`, sets);
    while (exact.trainer.epoch < 1) await exact.trainer.step();
    const windowed = trainerFor(base, sets, exact.trainer.checkpoint!);
    expect(windowed.trainer.sparsity.momentumWindow).toBe(66);
    expect(windowed.trainer.layerKernels().map((k) => k.kernel)).toContain('csr');
    const grownExact = await regrowthOfEpoch(exact.trainer);
    const grownWindowed = await regrowthOfEpoch(windowed.trainer);
    let common = 0;
    let total = 0;
    grownExact.forEach((g, i) => {
      total += g.size;
      for (const j of g) if (grownWindowed[i].has(j)) common++;
    });
    const overlap = common / total;
    const shares = (e: { updates: MaskUpdateEvent[] }) =>
      e.updates.at(-1)!.layers.map((l) => l.momentumShare);
    const shareDiff = Math.max(
      ...shares(exact.events).map((s, i) => Math.abs(s - shares(windowed.events)[i])),
    );
    console.log(
      `${name}: regrown ${total} positions, overlap ${(100 * overlap).toFixed(2)}%, shares ${shares(exact.events).map((s) => s.toFixed(4))} (max |difference| ${shareDiff.toExponential(2)})`,
    );
    expect(total).toBeGreaterThan(100);
    expect(overlap).toBeGreaterThanOrEqual(0.99);
    expect(shareDiff).toBeLessThan(1e-3);
    exact.trainer.release();
    windowed.trainer.release();
  }, 300_000);

  it('runs the dense weight gradient of sparse layers in the window only', async () => {
    const { config } = decode(
      'hidden=16,8&density=0.1&batch=20&epochs=2&momentum_window=4&kernels=sparse',
    );
    const be = new CpuBackend();
    const dense: boolean[] = [];
    const submit = be.submit.bind(be);
    be.submit = (ops, interrupt) => {
      // Training steps (they end with the SGD updates); every layer is CSR (kernels=sparse), so
      // only a window's step has a dense weight gradient.
      if (ops.some((o) => o.kernel === 'sparseSgdUpdate'))
        dense.push(ops.some((o) => o.kernel === 'linearGradWeight'));
      return submit(ops, interrupt);
    };
    const trainer = new Trainer(be, config, toyImages(200, 1, 8, 1), toyImages(40, 2, 8, 1));
    while (!trainer.finished) await trainer.step();
    // 10 steps an epoch, the update after step 10: steps 6..9 are its window.
    const expected = Array.from({ length: 20 }, (_, t) => t >= 6 && t < 10);
    expect(dense).toEqual(expected);
    trainer.release();
  });

  it('resumes from a checkpoint inside a window exactly as the run would have gone on', async () => {
    const query = 'hidden=16,8&density=0.1&batch=20&epochs=4&update_every=15&momentum_window=8';
    const train = toyImages(200, 1, 8, 1);
    const test = toyImages(40, 2, 8, 1);
    const { config } = decode(query);
    const whole = new Trainer(new CpuBackend(), config, train, test, {}, { keepCheckpoints: true });
    let checkpoint: Checkpoint | null = null;
    while (!whole.finished) {
      await whole.step();
      // The epoch boundary after step 10 is inside the window of the update after step 15.
      if (whole.epoch === 1 && !checkpoint) checkpoint = whole.checkpoint;
    }
    const resumed = new Trainer(new CpuBackend(), config, train, test, {}, { resume: checkpoint! });
    while (!resumed.finished) await resumed.step();
    expect(await resumed.snapshot()).toEqual(await whole.snapshot());
  });
});
