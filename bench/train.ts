// Training-step throughput: each model at each density for each method, against the same model
// trained dense, with the kernels the engine chose and the weight memory they use.
import type { Backend } from '../src/engine/backend';
import type { ImageDataset } from '../src/data/dataset';
import { Rng } from '../src/engine/rng';
import { Trainer } from '../src/engine/trainer';
import { decode } from '../src/url/params';
import { stepsBeforeWindow, windowFigures, type WindowFigures } from './window';

export interface TrainRow {
  model: string;
  method: string;
  density: number;
  samplesPerSec: number;
  /** samples/s / the dense step's samples/s for the same model. */
  speedup: number;
  /** Stored weight bytes / dense weight bytes. */
  weightMemory: number;
  /** The kernel of each weight layer, e.g. "fc1 csr, fc2 csr, fc3 dense". */
  kernels: string;
  /** Compute dispatches per training step (each a fixed cost), from the backend's counter. */
  dispatchesPerStep: number;
  query: string;
  /**
   * Sparse momentum with a momentum window: `samplesPerSec` is between windows; this has the
   * window's rate and the average over an epoch (`epochSpeedup` = that / dense).
   */
  window?: WindowFigures & { epochSpeedup: number };
}

/** The backend's dispatch counter (`GpuBackend.dispatches`), or NaN where it keeps none. */
export function dispatchCount(be: Backend): number {
  const n = (be as { dispatches?: unknown }).dispatches;
  return typeof n === 'number' ? n : NaN;
}

/**
 * Random pixels of a dataset's shape: step time does not depend on the values (the kernels
 * skip stored zeros in weights, never in activations), and the benchmark needs no download.
 */
export function syntheticData(
  count: number,
  height: number,
  width: number,
  channels: number,
  seed: number,
): ImageDataset {
  const rng = new Rng(seed);
  const features = height * width * channels;
  return {
    name: 'synthetic',
    count,
    features,
    height,
    width,
    channels,
    classes: 10,
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    pixels: Uint8Array.from({ length: count * features }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
    mean: new Array<number>(channels).fill(0.5),
    std: new Array<number>(channels).fill(0.25),
  };
}

/**
 * Samples per second of training steps for one configuration: a few warm-up steps (the first
 * one autotunes), then steps until `budgetMs` has passed, timed to the end of the GPU work
 * (and before the first momentum window, whose steps `windowFigures` times). A method that
 * updates every N steps is timed over whole periods, its updates included.
 */
export async function stepRate(
  be: Backend,
  query: string,
  budgetMs: number,
): Promise<{ samplesPerSec: number; dispatchesPerStep: number; trainer: Trainer }> {
  const { config, rejected } = decode(query);
  if (rejected.length > 0) throw new Error(`bad bench query ${query}`);
  const shape = config.dataset === 'cifar10' ? [32, 32, 3] : [28, 28, 1];
  // Enough samples that no epoch ends (and no end-of-epoch update runs) while timing.
  const train = syntheticData(config.batch * 400, shape[0], shape[1], shape[2], 1);
  const test = syntheticData(10, shape[0], shape[1], shape[2], 2);
  const trainer = new Trainer(be, config, train, test);
  for (let i = 0; i < 3; i++) await trainer.step();
  // A method that updates every N steps (RigL: 100) runs through its first update before the
  // clock starts, so the dense-gradient step's one-time autotune is not timed, and is timed
  // over whole periods of N steps: each holds one dense-gradient step and one mask update.
  const s = trainer.sparsity;
  const period = s.dynamic && typeof s.updateEvery === 'number' ? s.updateEvery : 0;
  while (period > 0 && trainer.globalStep <= period) await trainer.step();
  await trainer.sync();
  let steps = 0;
  const cap = stepsBeforeWindow(trainer);
  const d0 = dispatchCount(be);
  const t0 = performance.now();
  // Steps are queued as the app queues them (it waits only for its readback every READ_EVERY
  // steps), with a sync every 5 so the clock never runs far ahead of the device.
  do {
    await trainer.step();
    steps++;
    if (steps % 5 === 0) await trainer.sync();
  } while (
    (performance.now() - t0 < budgetMs || steps < 3 || (period > 0 && steps % period !== 0)) &&
    steps < cap
  );
  await trainer.sync();
  const ms = performance.now() - t0;
  return {
    samplesPerSec: (steps * config.batch) / (ms / 1000),
    dispatchesPerStep: (dispatchCount(be) - d0) / steps,
    trainer,
  };
}

/** The sparse configurations benchmarked against dense: a label and the query part that sets it. */
export const BENCH_METHODS: [string, string][] = [
  ['snfs', 'method=snfs'],
  ['snfs window=all', 'method=snfs&momentum_window=all'],
  ['set', 'method=set'],
  // SET's own Erdős–Rényi init keeps LeNet-5's convolutions dense; this row spreads the density evenly.
  ['set init=uniform', 'method=set&init=uniform'],
  ['rigl', 'method=rigl'],
  ['snfs block 16', 'method=snfs&block=16'],
  ['set block 16', 'method=set&block=16'],
  ['snfs fanin', 'method=snfs&structure=fanin'],
  ['set fanin', 'method=set&structure=fanin'],
  ['snfs nm', 'method=snfs&structure=nm'],
  ['set nm', 'method=set&structure=nm'],
];

/** The benchmarked models: name, base query, and the time budget of one step-rate measure. */
export const BENCH_MODELS: [string, string, number][] = [
  ['mlp 784-300-100-10', 'model=mlp&hidden=300,100&batch=100', 1500],
  ['lenet5', 'model=lenet5&batch=100', 3000],
  ['vgg (cifar10 shape)', 'dataset=cifar10&model=vgg&batch=128', 6000],
];

/** Step rates of the benchmarked models (those whose name starts with one of `only`, if any). */
export async function trainBench(
  be: Backend,
  densities: number[],
  quick: boolean,
  log: (s: string) => void,
  only: string[] = [],
): Promise<TrainRow[]> {
  // The quick run times the VGG net in less time per configuration.
  const models = BENCH_MODELS.filter(
    ([m]) => only.length === 0 || only.some((p) => m.startsWith(p)),
  ).map(([m, q, budget]): [string, string, number] => [
    m,
    q,
    quick && m.startsWith('vgg') ? 4000 : budget,
  ]);
  const rows: TrainRow[] = [];
  for (const [model, base, budget] of models) {
    let denseRate = 0;
    for (const density of densities) {
      const methods: [string, string][] =
        density === 1 ? [['dense', 'method=dense']] : BENCH_METHODS;
      for (const [method, m] of methods) {
        const query = `${base}&${m}&density=${density}`;
        const { samplesPerSec, dispatchesPerStep, trainer } = await stepRate(be, query, budget);
        if (density === 1) denseRate = samplesPerSec;
        const bytes = trainer.weightBytes();
        const row: TrainRow = {
          model,
          method,
          density,
          samplesPerSec,
          speedup: samplesPerSec / denseRate,
          weightMemory: bytes.stored / bytes.dense,
          kernels: trainer
            .layerKernels()
            .map((k) => `${k.name} ${k.kernel}`)
            .join(', '),
          dispatchesPerStep,
          query,
        };
        const w = await windowFigures(query, trainer, samplesPerSec, (q) =>
          stepRate(be, q, budget),
        );
        if (w) row.window = { ...w, epochSpeedup: w.epochSamplesPerSec / denseRate };
        trainer.release();
        rows.push(row);
        const epoch = row.window
          ? `; window of ${row.window.window} steps ${row.window.windowSamplesPerSec.toFixed(0)} samples/s, epoch average ${row.window.epochSamplesPerSec.toFixed(0)} (${row.window.epochSpeedup.toFixed(1)}x)`
          : '';
        log(
          `${model} ${method} d=${density}: ${samplesPerSec.toFixed(0)} samples/s (${row.speedup.toFixed(1)}x)${epoch}, ${dispatchesPerStep} dispatches, ${row.kernels}`,
        );
      }
    }
    // Dense is timed again after the sparse rows: one timing on 2 shared cores can run well
    // below the machine's rate, which would inflate every ratio. The faster of the two is the
    // baseline, so the ratios err against sparse.
    const again = await stepRate(be, `${base}&method=dense&density=1`, budget);
    again.trainer.release();
    const mine = rows.filter((r) => r.model === model);
    const dense = mine.find((r) => r.method === 'dense');
    if (dense && again.samplesPerSec > dense.samplesPerSec) {
      log(
        `${model} dense again: ${again.samplesPerSec.toFixed(0)} samples/s (first ${dense.samplesPerSec.toFixed(0)}); ratios use it`,
      );
      dense.samplesPerSec = again.samplesPerSec;
      for (const r of mine) {
        r.speedup = r.samplesPerSec / again.samplesPerSec;
        if (r.window) r.window.epochSpeedup = r.window.epochSamplesPerSec / again.samplesPerSec;
      }
    } else log(`${model} dense again: ${again.samplesPerSec.toFixed(0)} samples/s (first kept)`);
  }
  return rows;
}
