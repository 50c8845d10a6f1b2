import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { CIFAR_RECORD } from '../src/data/cifar';
import { parseIdxImages, parseIdxLabels } from '../src/data/idx';
import { argmax } from '../src/engine/predict';
import { META } from '../src/onnx/export';
import { onnx } from '../src/onnx/graph';

// `npm run experiment -- --export=DIR`: the exported model, run by ONNX Runtime over the whole
// test set, scores the test accuracy the app reported for its last epoch.

// Playwright runs from the repository root, as the other runner tests assume.
const root = process.cwd();

/** Runs the experiment runner; resolves with its exit code and output. */
function experiment(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['scripts/experiment.mjs', ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Test images as NCHW floats in [0, 1], and their labels. */
interface TestSet {
  pixels: Float32Array;
  labels: Uint8Array;
  shape: [number, number, number];
}

function mnistTest(): TestSet {
  const dir = join(root, 'public/data/mnist');
  const gz = (name: string) => new Uint8Array(gunzipSync(readFileSync(join(dir, `${name}.gz`))));
  const images = parseIdxImages(gz('t10k-images-idx3-ubyte'), 't10k-images');
  // One channel: HWC and CHW are the same bytes.
  return {
    pixels: Float32Array.from(images.pixels, (b) => b / 255),
    labels: parseIdxLabels(gz('t10k-labels-idx1-ubyte'), 't10k-labels'),
    shape: [1, 28, 28],
  };
}

const CIFAR_TEST = join(root, 'public/data/cifar10/test.bin.gz');

function cifarTest(): TestSet {
  // The official binary records: a label byte, then the red, green and blue planes (CHW).
  const bytes = new Uint8Array(gunzipSync(readFileSync(CIFAR_TEST)));
  const count = bytes.length / CIFAR_RECORD;
  const pixels = new Float32Array(count * (CIFAR_RECORD - 1));
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = bytes[n * CIFAR_RECORD];
    for (let i = 1; i < CIFAR_RECORD; i++)
      pixels[n * (CIFAR_RECORD - 1) + i - 1] = bytes[n * CIFAR_RECORD + i] / 255;
  }
  return { pixels, labels, shape: [3, 32, 32] };
}

/** ONNX Runtime's accuracy over the test set, a thousand images a batch. */
async function onnxAccuracy(file: string, data: TestSet): Promise<number> {
  const session = await ort.InferenceSession.create(file);
  const features = data.shape[0] * data.shape[1] * data.shape[2];
  let correct = 0;
  for (let from = 0; from < data.labels.length; from += 1000) {
    const n = Math.min(1000, data.labels.length - from);
    const x = new ort.Tensor(
      'float32',
      data.pixels.subarray(from * features, (from + n) * features),
      [n, ...data.shape],
    );
    const logits = (await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]]
      .data as Float32Array;
    for (let i = 0; i < n; i++)
      if (argmax(logits.subarray(i * 10, (i + 1) * 10)) === data.labels[from + i]) correct++;
  }
  return correct / data.labels.length;
}

/** `minAcc`: above chance (0.1), so the comparison is of a network that learned something. */
const cases: {
  name: string;
  query: string;
  /** More flags for the runner. */
  args?: string[];
  data: () => TestSet;
  minAcc: number;
  skip?: string;
}[] = [
  { name: 'MLP', query: 'density=0.1&epochs=2&train=12000&seed=17', data: mnistTest, minAcc: 0.3 },
  {
    // The Node runtime builds the file with the page's exporter, in its engine process.
    name: 'MLP on the Node runtime',
    query: 'density=0.1&epochs=1&train=6000&seed=17',
    args: ['--runtime=node'],
    data: mnistTest,
    minAcc: 0.3,
  },
  // LeNet-5 trains at ~100 images/s on SwiftShader: 1,000 images, one epoch (50 steps of 20,
  // at density 0.5, which learns that fast: 0.1 is still at chance after 50 steps).
  {
    name: 'LeNet-5',
    query: 'model=lenet5&density=0.5&epochs=1&train=1000&batch=20&lr=0.05&seed=17',
    data: mnistTest,
    minAcc: 0.3,
  },
  {
    name: 'VGG with BatchNorm on CIFAR-10',
    // 100 steps of 20 images: 10 steps of 100 leave it at chance (0.1).
    query: 'dataset=cifar10&model=vgg&density=0.2&epochs=1&train=2000&batch=20&seed=17',
    data: cifarTest,
    minAcc: 0.15,
    skip: existsSync(CIFAR_TEST)
      ? undefined
      : 'CIFAR-10 is not prepared (npm run data:cifar10 -- ../shared/datasets/cifar-10-binary-subset.tar.gz)',
  },
];

for (const c of cases) {
  test(`${c.name}: ONNX Runtime on the exported model.onnx scores the run's test accuracy within 0.2 points`, async () => {
    test.skip(c.skip !== undefined, c.skip);
    // The whole test set on SwiftShader: LeNet-5 took 3.5 min alone, over 10 min on a loaded machine.
    test.setTimeout(1_500_000);
    const dir = mkdtempSync(join(tmpdir(), 'onnx-export-'));
    try {
      const r = await experiment(...(c.args ?? []), `--export=${dir}`, c.query);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      const epochs = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const reported = epochs[epochs.length - 1].testAcc as number;
      const file = join(dir, 'model.onnx');
      expect(r.stderr).toContain(`wrote ${file}`);
      const accuracy = await onnxAccuracy(file, c.data());
      console.log(`${c.name}: the app reported ${reported}, ONNX Runtime scores ${accuracy}`);
      expect(Math.abs(accuracy - reported)).toBeLessThanOrEqual(0.002);
      expect(accuracy).toBeGreaterThan(c.minAcc); // a trained network, not chance

      // The file says where it came from: the run's link and figures, and a mask per layer.
      const model = onnx.ModelProto.decode(readFileSync(file));
      const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
      expect(meta.testAcc).toBe(String(reported));
      expect(meta.link).toContain(c.query.split('&')[0]);
      expect(meta.appVersion).toMatch(/^\d+\.\d+\.\d+/);
      const masks = Object.keys(meta).filter((k) => k.startsWith(META.maskPrefix));
      expect(masks.length).toBe(
        c.name.startsWith('MLP') ? 3 : 4 + (c.name.startsWith('VGG') ? 1 : 0),
      );
      if (c.args?.includes('--runtime=node')) expect(meta.backend).toBe('webgpu');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the page: Download model (ONNX) once the run is done gives the file ONNX Runtime reads', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?hidden=32&density=0.2&train=600&epochs=1&autorun=1');
  const button = page.getByTestId('export-onnx');
  await expect(page.getByTestId('status')).toHaveText('done', { timeout: 180_000 });
  await expect(button).toBeEnabled();
  await button.scrollIntoViewIfNeeded();
  await page.locator('.summary-row').screenshot({ path: 'e2e/screenshots/export-onnx.png' });
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toBe('sparse-playground-mlp-snfs-d0.2-seed17.onnx');
  const file = await download.path();
  const reported = Number((await page.getByTestId('test-acc').textContent())!.replace('%', ''));
  const accuracy = await onnxAccuracy(file, mnistTest());
  expect(Math.abs(accuracy * 100 - reported)).toBeLessThanOrEqual(0.2);
  const model = onnx.ModelProto.decode(readFileSync(file));
  const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  expect(meta.link).toMatch(/^http:\/\/.*\?.*hidden=32/);
  await expect(page.getByTestId('export-onnx-error')).toHaveCount(0);
});
