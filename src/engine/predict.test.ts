import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import type { ImageDataset } from '../data/dataset';
import { decode } from '../url/params';
import { argmax, softmaxRows } from './predict';
import { Trainer } from './trainer';
import { toyData, toyImages } from './toyData';

function trainer(query: string, train: ImageDataset, test: ImageDataset): Trainer {
  const { config, rejected } = decode(query);
  expect(rejected).toEqual([]);
  return new Trainer(new CpuBackend(), config, train, test);
}

/** The confusion matrix of the whole test set, counted from one prediction per image. */
async function confusionFromPredictions(t: Trainer, perCall: number): Promise<number[][]> {
  const k = t.test.classes;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const f = t.test.features;
  for (let i = 0; i < t.test.count; i += perCall) {
    const n = Math.min(perCall, t.test.count - i);
    const probs = await t.predict(t.test.pixels.subarray(i * f, (i + n) * f));
    expect(probs).toHaveLength(n);
    probs.forEach((p, j) => counts[t.test.labels[i + j]][argmax(p)]++);
  }
  return counts;
}

describe('softmaxRows', () => {
  it('gives rows that sum to 1, ordered like the logits, without overflow on large logits', () => {
    const rows = softmaxRows([1, 2, 3, 1000, 1001, 999], 3);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(argmax(rows[0])).toBe(2);
    expect(argmax(rows[1])).toBe(1);
    expect(rows[0][2] / rows[0][1]).toBeCloseTo(Math.E, 10);
    expect(rows[1].every(Number.isFinite)).toBe(true);
  });
});

describe('Trainer.predict', () => {
  it.each([
    [
      'mlp, sparse',
      'hidden=16,8&density=0.25&epochs=2&batch=20&lr=0.05',
      toyData(300, 1),
      toyData(120, 2),
    ],
    [
      'lenet5 (conv, pooling)',
      'model=lenet5&density=0.5&epochs=1&batch=25&lr=0.05',
      toyImages(100, 1, 16, 1),
      toyImages(60, 2, 16, 1),
    ],
    [
      'vgg (BatchNorm running statistics)',
      'model=vgg&density=0.3&epochs=1&batch=25&lr=0.05',
      toyImages(100, 1, 8, 3),
      toyImages(60, 2, 8, 3),
    ],
  ])(
    '%s: the argmax of each prediction is what the test evaluation counted, image by image',
    async (_, query, train, test) => {
      const t = trainer(query, train, test);
      while (!t.finished) await t.step();
      const { confusion } = await t.evaluate();
      expect(await confusionFromPredictions(t, 1)).toEqual(confusion);
      expect(await confusionFromPredictions(t, 7)).toEqual(confusion);
      const [p] = await t.predict(test.pixels.subarray(0, test.features));
      expect(p).toHaveLength(test.classes);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    },
  );

  it('changes nothing in training: predicting mid-epoch leaves the run exactly as without', async () => {
    const query = 'hidden=16,8&density=0.25&epochs=2&batch=20&lr=0.05&seed=5';
    const runWith = async (probe: boolean) => {
      const t = trainer(query, toyData(300, 1), toyData(120, 2));
      let steps = 0;
      while (!t.finished) {
        await t.step();
        if (probe && ++steps % 4 === 0) await t.predict(t.test.pixels.subarray(0, 3 * 32));
      }
      return { snapshot: await t.snapshot(), eval: await t.evaluate() };
    };
    expect(await runWith(true)).toEqual(await runWith(false));
  });

  it('uses the weights of the moment: a prediction after more training differs', async () => {
    const t = trainer('hidden=16&epochs=2&batch=20&lr=0.05', toyData(300, 1), toyData(60, 2));
    const image = t.test.pixels.subarray(0, 32);
    const before = await t.predict(image);
    await t.step();
    expect(await t.predict(image)).not.toEqual(before);
  });

  it('refuses bytes that are not whole images', async () => {
    const t = trainer('hidden=16&epochs=1', toyData(40, 1), toyData(20, 2));
    await expect(t.predict(new Uint8Array(33))).rejects.toThrow(/whole images of 32 bytes/);
    await expect(t.predict(new Uint8Array(0))).rejects.toThrow(/whole images/);
  });
});
