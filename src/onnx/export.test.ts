import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import type { ImageDataset } from '../data/dataset';
import { weightLayers } from '../engine/model';
import { argmax } from '../engine/predict';
import { Trainer } from '../engine/trainer';
import { toyImages } from '../engine/toyData';
import { decode } from '../url/params';
import type { onnx as P } from 'onnx-proto';
import { onnx } from './graph';
import { exportOnnx, INPUT, META, maskFromBits, nchwPixels, OUTPUT } from './index';

async function trained(query: string, train: ImageDataset, test: ImageDataset) {
  const { config, rejected } = decode(query);
  expect(rejected).toEqual([]);
  const t = new Trainer(new CpuBackend(), config, train, test);
  while (!t.finished) await t.step();
  return t;
}

/** ONNX Runtime's logits for the test images, fed as NCHW floats in [0, 1]. */
async function runtimeLogits(bytes: Uint8Array, test: ImageDataset): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const x = new ort.Tensor('float32', nchwPixels(test.pixels, test), [
    test.count,
    test.channels,
    test.height,
    test.width,
  ]);
  const out = await session.run({ [INPUT]: x });
  expect(out[OUTPUT].dims).toEqual([test.count, test.classes]);
  return out[OUTPUT].data as Float32Array;
}

/** An initializer's values (raw little-endian float32 bytes). */
const floats = (t: P.ITensorProto) => new Float32Array(new Uint8Array(t.rawData!).buffer);

const SUMMARY = { link: 'https://example.test/?model=x', testAcc: '0.5', appVersion: '0.1.0' };

describe('exportOnnx', () => {
  it.each([
    [
      'mlp, sparse (MNIST-shaped 28x28x1)',
      'hidden=24,12&density=0.2&epochs=2&batch=20&lr=0.05',
      28,
      1,
    ],
    ['mlp on colour images (NHWC flatten order)', 'hidden=16&density=0.3&epochs=1&batch=20', 8, 3],
    ['mlp, dense', 'hidden=16&density=1&epochs=1&batch=20&lr=0.05', 8, 1],
    ['mlp, block-sparse storage', 'hidden=32&density=0.3&block=4&epochs=2&batch=20', 8, 1],
    [
      'lenet5 on 28x28x1 (conv, pooling, 4x4x50 flattened NHWC)',
      'model=lenet5&density=0.5&epochs=1&batch=25&lr=0.05',
      28,
      1,
    ],
    [
      'vgg with BatchNorm on CIFAR-shaped 32x32x3 images',
      'model=vgg&density=0.3&epochs=1&batch=20&lr=0.05',
      32,
      3,
    ],
  ])(
    '%s: ONNX Runtime gives the app’s logits within 1e-4, missing weights are 0',
    async (_, query, side, channels) => {
      const small = side === 32;
      const train = toyImages(small ? 60 : 120, 1, side, channels);
      const test = toyImages(small ? 20 : 50, 2, side, channels);
      const t = await trained(query, train, test);
      const bytes = exportOnnx(await t.trained(), SUMMARY);

      const app = await t.logits(test.pixels);
      const got = await runtimeLogits(bytes, test);
      expect(got.length).toBe(app.length);
      let worst = 0;
      for (let i = 0; i < app.length; i++) worst = Math.max(worst, Math.abs(got[i] - app[i]));
      expect(worst).toBeLessThan(1e-4);
      // The predictions count the same test accuracy as the app's own evaluation.
      let correct = 0;
      for (let n = 0; n < test.count; n++)
        if (argmax(got.subarray(n * test.classes, (n + 1) * test.classes)) === test.labels[n])
          correct++;
      expect(correct / test.count).toBeCloseTo((await t.evaluate()).acc, 6);

      const model = onnx.ModelProto.decode(bytes);
      const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
      expect(meta).toMatchObject(SUMMARY);
      expect(Number(model.opsetImport[0].version)).toBe(13);
      const initializer = (name: string) => model.graph!.initializer!.find((x) => x.name === name)!;
      const summary = t.layerSummary();
      const dense = query.includes('density=1');
      for (const spec of weightLayers(t.layers)) {
        const values = floats(initializer(`${spec.name}.weight`));
        expect(values.length).toBe(spec.inFeatures * spec.outFeatures);
        const bits = meta[`${META.maskPrefix}${spec.name}.weight`];
        if (dense) {
          expect(bits).toBeUndefined();
          continue;
        }
        const mask = maskFromBits(bits, values.length);
        const active = summary.find((l) => l.name === spec.name)!.active;
        expect(mask.reduce((a, b) => a + b, 0)).toBe(active);
        const strayWeights = values.filter((v, i) => mask[i] === 0 && v !== 0).length;
        expect(strayWeights).toBe(0);
      }
      if (query.includes('vgg')) {
        // Trained running statistics, not the initial 0 / 1, are what the logits matched.
        expect(floats(initializer('bn1.running_mean')).some((v) => Math.abs(v) > 1e-3)).toBe(true);
      }
    },
    60_000,
  );

  it('refuses a summary that would overwrite its own keys, and a network that does not fit', async () => {
    const t = await trained(
      'hidden=8&epochs=1&batch=20',
      toyImages(40, 1, 8, 1),
      toyImages(10, 2, 8, 1),
    );
    const net = await t.trained();
    expect(() => exportOnnx(net, { [META.model]: 'x' })).toThrow(/may not set/);
    const broken = {
      ...net,
      weights: [{ ...net.weights[0], b: new Float32Array(3) }, ...net.weights.slice(1)],
    };
    expect(() => exportOnnx(broken, {})).toThrow(/fc1: its weights do not fit a 8x64 layer/);
  });
});
