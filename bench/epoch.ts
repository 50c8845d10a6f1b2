// Whole-epoch time, sparse against dense: training steps, the end-of-epoch evaluation and mask
// update, as a run pays them (not one step in isolation), on synthetic data of each model's
// dataset shape.
import type { Backend } from '../src/engine/backend';
import { Trainer } from '../src/engine/trainer';
import { decode } from '../src/url/params';
import { BENCH_METHODS, BENCH_MODELS, dispatchCount, syntheticData } from './train';

export interface EpochRow {
  model: string;
  method: string;
  density: number;
  /** Training images and test images in the epoch. */
  trainCount: number;
  testCount: number;
  /** Wall time of the whole epoch: every training step, then evaluation and any mask update. */
  epochMs: number;
  /** The training steps' part (the trainer's own epoch clock). */
  trainMs: number;
  /** One evaluation of the test images after the epoch, timed on its own. */
  evalMs: number;
  /** Dense epoch time / this epoch time, for the same model (above 1: faster than dense). */
  speedup: number;
  trainSpeedup: number;
  evalSpeedup: number;
  dispatchesPerEpoch: number;
  query: string;
}

/** One epoch of `query` on synthetic data: `steps` full training batches and `testCount` images. */
async function timeEpoch(
  be: Backend,
  query: string,
  steps: number,
  testCount: number,
): Promise<
  Omit<EpochRow, 'model' | 'method' | 'density' | 'speedup' | 'trainSpeedup' | 'evalSpeedup'>
> {
  const { config, rejected } = decode(`${query}&epochs=1`);
  if (rejected.length > 0) throw new Error(`bad bench query ${query}`);
  const [h, w, c] = config.dataset === 'cifar10' ? [32, 32, 3] : [28, 28, 1];
  const trainCount = config.batch * steps;
  const train = syntheticData(trainCount, h, w, c, 1);
  const test = syntheticData(testCount, h, w, c, 2);
  let trainMs = NaN;
  const trainer = new Trainer(be, config, train, test, {
    epoch: (m) => (trainMs = m.seconds * 1000),
  });
  try {
    // Autotuning and pipeline warm-up happen before the clock starts, as in a long run.
    await trainer.evaluate(Math.min(testCount, 10));
    const d0 = dispatchCount(be);
    const t0 = performance.now();
    while (!trainer.finished) await trainer.step();
    await trainer.sync();
    const epochMs = performance.now() - t0;
    const dispatchesPerEpoch = dispatchCount(be) - d0;
    const e0 = performance.now();
    await trainer.evaluate();
    const evalMs = performance.now() - e0;
    return { trainCount, testCount, epochMs, trainMs, evalMs, dispatchesPerEpoch, query };
  } finally {
    trainer.release();
  }
}

/**
 * Epoch times of every model, dense and each sparse method at `density`. Quick: 8 training
 * batches and 500 test images an epoch; else 30 batches and 2,000 images.
 */
export async function epochBench(
  be: Backend,
  density: number,
  quick: boolean,
  log: (s: string) => void,
): Promise<EpochRow[]> {
  const steps = quick ? 8 : 30;
  const testCount = quick ? 500 : 2000;
  const methods: [string, string, number][] = [
    ['dense', 'method=dense', 1],
    ...BENCH_METHODS.map(([m, q]): [string, string, number] => [m, q, density]),
  ];
  const rows: EpochRow[] = [];
  for (const [model, base] of BENCH_MODELS) {
    let dense: EpochRow | null = null;
    for (const [method, m, d] of methods) {
      const t = await timeEpoch(be, `${base}&${m}&density=${d}`, steps, testCount);
      const ref = dense ?? t;
      const row: EpochRow = {
        model,
        method,
        density: d,
        ...t,
        speedup: ref.epochMs / t.epochMs,
        trainSpeedup: ref.trainMs / t.trainMs,
        evalSpeedup: ref.evalMs / t.evalMs,
      };
      dense ??= row;
      rows.push(row);
      log(
        `epoch ${model} ${method} d=${d}: ${t.epochMs.toFixed(0)} ms (train ${t.trainMs.toFixed(0)}, eval ${t.evalMs.toFixed(0)}; ${row.speedup.toFixed(2)}x dense)`,
      );
    }
  }
  return rows;
}
