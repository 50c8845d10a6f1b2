// Per-kernel breakdown of one training step: each op of the step timed on its own, and a probe
// of the batch gather's cost (what it scales with) against the cost of a near-empty op.
import type { Backend, Tensor } from '../src/engine/backend';
import { timeOps } from './kernels';
import { stepRate, syntheticData } from './train';

export interface ProfileRow {
  query: string;
  ops: { kernel: string; ms: number }[];
  /** Compute dispatches in the step. */
  dispatches: number;
  /** The whole step's ops in one submission, ms (the device's time for a step). */
  stepMs: number;
  /** ms per step as the trainer runs them (queued, synced every 5): the device time plus what the page adds. */
  trainerMs: number;
}

export async function profileStep(be: Backend, query: string): Promise<ProfileRow> {
  const { trainer, samplesPerSec } = await stepRate(be, query, 1500);
  const trainerMs = (trainer.config.batch / samplesPerSec) * 1000;
  const sync = be.tensor('f32', 1);
  const ops: ProfileRow['ops'] = [];
  for (const op of trainer.stepOps) {
    // The fastest of 7 timings: on shared cores one timing is mostly the other load.
    let ms = Infinity;
    for (let r = 0; r < 7; r++) ms = Math.min(ms, await timeOps(be, [op], sync, 30));
    ops.push({ kernel: op.kernel, ms });
  }
  let stepMs = Infinity;
  for (let r = 0; r < 7; r++)
    stepMs = Math.min(stepMs, await timeOps(be, trainer.stepOps, sync, 100));
  be.release([sync]);
  const dispatches = trainer.stepOps.length;
  trainer.release();
  return { query, ops, dispatches, stepMs, trainerMs };
}

export interface GatherRow {
  what: string;
  /** Samples in the dataset the gather reads from, and in the batch it writes. */
  samples: number;
  batch: number;
  ms: number;
}

/**
 * Times `gatherBatch` alone on datasets of several sizes (same batch) and a 4-element ReLU (the
 * cost of one submission with one dispatch): if the gather costs what the floor costs, its
 * time is the submission, not the bytes; if it grows with the dataset, binding the whole
 * dataset costs.
 */
export async function gatherProbe(be: Backend): Promise<GatherRow[]> {
  const sync = be.tensor('f32', 1);
  const rows: GatherRow[] = [];
  const own: Tensor[] = [sync];
  const t = <T extends Tensor>(x: T): T => (own.push(x), x);
  const x4 = t(be.tensor('f32', 4));
  const y4 = t(be.tensor('f32', 4));
  const floor = be.op('reluForward', { x: x4, y: y4, n: 4 });
  rows.push({
    what: 'floor: reluForward of 4 floats',
    samples: 0,
    batch: 0,
    ms: await timeOps(be, [floor], sync, 200),
  });
  be.release([floor]);
  for (const [h, w, c, batch] of [
    [28, 28, 1, 100],
    [32, 32, 3, 128],
  ]) {
    for (const samples of [batch, 40 * batch, 400 * batch]) {
      const ds = syntheticData(samples, h, w, c, 1);
      const packed = new Uint32Array(Math.ceil(ds.pixels.length / 4));
      new Uint8Array(packed.buffer).set(ds.pixels);
      const data = t(be.tensor('u32', packed.length));
      be.write(data, packed);
      const labels = t(be.tensor('u32', samples));
      const order = t(be.tensor('u32', samples));
      be.write(
        order,
        Uint32Array.from({ length: samples }, (_, i) => i),
      );
      const cursor = t(be.tensor('u32', 1));
      const x = t(be.tensor('f32', batch * h * w * c));
      const y = t(be.tensor('u32', batch));
      const op = be.op('gatherBatch', {
        data,
        labels,
        order,
        cursor,
        aug: null,
        x,
        y,
        batch,
        height: h,
        width: w,
        channels: c,
        mean: ds.mean,
        std: ds.std,
      });
      const what = `gatherBatch ${h}x${w}x${c}, dataset ${((samples * h * w * c) / 2 ** 20).toFixed(1)} MB`;
      rows.push({ what, samples, batch, ms: await timeOps(be, [op], sync, 200) });
      be.release([op, data, labels, order, cursor, x, y]);
      own.length = 1;
      own.push(x4, y4);
    }
  }
  be.release(own);
  return rows;
}
