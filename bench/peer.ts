// The peer: TensorFlow.js with its WebGPU backend on the same adapter, running the same dense
// MLP training step (784-300-100-10, batch 100, SGD with Nesterov momentum) and the same
// matrix product as the kernel table, plus the masked-dense layer people use to fake sparsity.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
// Gradients are registered separately from the ops in tfjs-core.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { GpuBackend } from '../src/gpu/backend';
import { stepRate, syntheticData } from './train';
import { timeOps } from './kernels';
import { Rng } from '../src/engine/rng';

export interface PeerResult {
  version: string;
  backend: string;
  rows: { name: string; peer: string; ours: string; ratio: number }[];
}

/** Runs `fn` until `budgetMs` has passed, synced by reading its last result; ms per call. */
async function timeTf(fn: () => tf.Tensor, budgetMs: number): Promise<number> {
  const warm = fn();
  await warm.data();
  warm.dispose();
  let reps = 0;
  const t0 = performance.now();
  let last: tf.Tensor | null = null;
  while (performance.now() - t0 < budgetMs || reps < 3) {
    last?.dispose();
    last = fn();
    reps++;
    if (reps % 10 === 0) await last.data();
  }
  await last!.data();
  last!.dispose();
  return (performance.now() - t0) / reps;
}

const BATCH = 100;
const SIZES = [784, 300, 100, 10];

/** The dense MLP step in TensorFlow.js, as a TF.js user would write it: samples/s. */
async function tfjsStepRate(budgetMs: number): Promise<number> {
  const data = syntheticData(BATCH * 50, 28, 28, 1, 1);
  const x = tf.tensor2d(
    Float32Array.from(data.pixels, (p) => (p / 255 - 0.5) / 0.25),
    [data.count, 784],
  );
  const y = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(data.labels), 'int32'), 10), 'float32');
  const vars: tf.Variable[] = [];
  for (let l = 0; l < 3; l++) {
    const bound = 1 / Math.sqrt(SIZES[l]);
    vars.push(tf.variable(tf.randomUniform([SIZES[l], SIZES[l + 1]], -bound, bound)));
    vars.push(tf.variable(tf.randomUniform([SIZES[l + 1]], -bound, bound)));
  }
  const opt = tf.train.momentum(0.01, 0.9, true);
  let step = 0;
  const train = () =>
    opt.minimize(() => {
      const start = (step++ % 50) * BATCH;
      let h: tf.Tensor2D = tf.slice(x, [start, 0], [BATCH, 784]);
      for (let l = 0; l < 3; l++) {
        h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
        if (l < 2) h = tf.relu(h);
      }
      return tf.losses.softmaxCrossEntropy(tf.slice(y, [start, 0], [BATCH, 10]), h);
    }, true)!;
  const ms = await timeTf(train, budgetMs);
  tf.dispose([x, y, ...vars]);
  opt.dispose();
  return (BATCH / ms) * 1000;
}

export async function tfjsBench(
  shape: { batch: number; inF: number; outF: number },
  log: (s: string) => void,
): Promise<PeerResult | null> {
  await tf.setBackend('webgpu');
  await tf.ready();
  const rows: PeerResult['rows'] = [];

  // The same dense step on our engine (no weight decay, as TF.js's SGD has none).
  const ours = await GpuBackend.create(navigator.gpu);
  const query = 'model=mlp&hidden=300,100&batch=100&method=dense&density=1&wd=0&lr=0.01';
  const { samplesPerSec: oursRate, trainer } = await stepRate(ours, query, 3000);
  trainer.release();
  const peerRate = await tfjsStepRate(3000);
  rows.push({
    name: 'dense MLP 784-300-100-10 training step, batch 100 (samples/s)',
    peer: peerRate.toFixed(0),
    ours: oursRate.toFixed(0),
    ratio: oursRate / peerRate,
  });
  log(`peer step: TF.js ${peerRate.toFixed(0)} vs ours ${oursRate.toFixed(0)} samples/s`);

  // One matrix product Y = X·Wᵀ, and the masked-dense version at density 0.1.
  const { batch, inF, outF } = shape;
  const rng = new Rng(3);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  const X = tf.tensor2d(rand(batch * inF), [batch, inF]);
  const W = tf.tensor2d(rand(outF * inF), [outF, inF]);
  const M = tf.tensor2d(
    Float32Array.from({ length: outF * inF }, () => (rng.next() < 0.1 ? 1 : 0)),
    [outF, inF],
  );
  const flops = 2 * batch * inF * outF;
  const tfMs = await timeTf(() => tf.matMul(X, W, false, true), 1000);
  const maskedMs = await timeTf(() => tf.tidy(() => tf.matMul(X, tf.mul(W, M), false, true)), 1000);
  tf.dispose([X, W, M]);

  const x = ours.tensor('f32', batch * inF);
  const w = ours.tensor('f32', outF * inF);
  const b = ours.tensor('f32', outF);
  const y = ours.tensor('f32', batch * outF);
  ours.write(x, rand(batch * inF));
  ours.write(w, rand(outF * inF));
  const args = { x, w, b, y, batch, inF, outF };
  await ours.tune('linearForward', args);
  const ourMs = await timeOps(ours, [ours.op('linearForward', args)], y, 1000);
  ours.destroy();
  rows.push({
    name: `matmul ${batch}x${inF} · (${outF}x${inF})ᵀ (GFLOP/s)`,
    peer: (flops / tfMs / 1e6).toFixed(2),
    ours: (flops / ourMs / 1e6).toFixed(2),
    ratio: tfMs / ourMs,
  });
  rows.push({
    name: 'masked-dense layer at density 0.1 in TF.js (ms) vs our dense forward (ms)',
    peer: maskedMs.toFixed(3),
    ours: ourMs.toFixed(3),
    ratio: maskedMs / ourMs,
  });
  log(
    `peer matmul: TF.js ${tfMs.toFixed(2)} ms, masked ${maskedMs.toFixed(2)} ms, ours ${ourMs.toFixed(2)} ms`,
  );
  return { version: tf.version_core, backend: tf.getBackend(), rows };
}
