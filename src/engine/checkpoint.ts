import type { Backend } from './backend';
import type { ParamStore } from './params';

/**
 * Everything a run needs to continue from an epoch boundary: weights, biases, momentum,
 * masks, BatchNorm state and the random stream. Plain arrays, kept on the CPU.
 */
export interface Checkpoint {
  /** Epochs finished: training continues with epoch `epoch + 1`. */
  epoch: number;
  /**
   * Steps per epoch of the run it was taken from: the prune schedule and the update steps
   * follow the global step, so a run with another batch size or train count cannot resume it.
   */
  stepsPerEpoch: number;
  /** The random stream's state (xoroshiro128+, four 32-bit words). */
  rng: number[];
  lastRate: number | null;
  params: {
    w: Float32Array;
    b: Float32Array;
    vw: Float32Array;
    vb: Float32Array;
    unitMask: Uint8Array | null;
  }[];
  norms: { gb: Float32Array; vgb: Float32Array; running: Float32Array }[];
}

/** The parameters' part of a checkpoint, read from the device. */
export async function captureParams(
  dev: Backend,
  store: ParamStore,
): Promise<Pick<Checkpoint, 'params' | 'norms'>> {
  const f32 = async (t: Parameters<Backend['read']>[0]) => (await dev.read(t)) as Float32Array;
  return {
    params: await Promise.all(
      store.params.map(async (p) => {
        const { w, v } = await store.readDense(p);
        return {
          w,
          b: await f32(store.tensor(p, 'b')),
          vw: v,
          vb: await f32(store.tensor(p, 'vb')),
          unitMask: p.unitMask ? p.unitMask.slice() : null,
        };
      }),
    ),
    norms: await Promise.all(
      store.norms.map(async (n) => ({
        gb: await f32(store.norm(n, 'gb')),
        vgb: await f32(store.norm(n, 'vgb')),
        running: await f32(store.norm(n, 'running')),
      })),
    ),
  };
}

/** Writes a checkpoint's parameters back; returns whether any storage changed (plans rebuild). */
export function restoreParams(dev: Backend, store: ParamStore, c: Checkpoint): boolean {
  const fits = (s: Checkpoint['params'][number], p: ParamStore['params'][number]) =>
    s.w.length === p.spec.inFeatures * p.spec.outFeatures &&
    (s.unitMask === null) === (p.unitMask === null) &&
    (s.unitMask === null || s.unitMask.length === p.grid.units);
  if (
    c.params.length !== store.params.length ||
    c.norms.length !== store.norms.length ||
    !c.params.every((s, i) => fits(s, store.params[i])) ||
    !c.norms.every((n, i) => n.gb.length === 2 * store.norms[i].shape.channels)
  )
    throw new Error('the checkpoint belongs to a different model');
  let changed = false;
  store.params.forEach((p, i) => {
    const s = c.params[i];
    changed = store.write(p, s.w, s.vw, s.unitMask ? s.unitMask.slice() : null) || changed;
    dev.write(store.tensor(p, 'b'), s.b);
    dev.write(store.tensor(p, 'vb'), s.vb);
  });
  store.norms.forEach((n, i) => {
    dev.write(store.norm(n, 'gb'), c.norms[i].gb);
    dev.write(store.norm(n, 'vgb'), c.norms[i].vgb);
    dev.write(store.norm(n, 'running'), c.norms[i].running);
  });
  return changed;
}

const isF32 = (v: unknown): v is Float32Array => v instanceof Float32Array;

/**
 * What is wrong with a value that should be a checkpoint (null: nothing). A checkpoint read back
 * from the browser's storage may come from another version of the app or be damaged: this
 * checks its shape and array types, so a bad one is refused with a reason instead of training
 * on garbage. Whether it fits the model is `restoreParams`'s check.
 */
export function checkpointProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'it is not a checkpoint';
  const c = value as Partial<Record<keyof Checkpoint, unknown>>;
  if (!Number.isInteger(c.epoch) || (c.epoch as number) < 0) return 'its epoch is not a count';
  if (!Number.isInteger(c.stepsPerEpoch) || (c.stepsPerEpoch as number) < 1)
    return 'it does not say how many steps an epoch has';
  if (!Array.isArray(c.rng) || c.rng.length !== 4 || !c.rng.every((x) => Number.isInteger(x)))
    return 'its random state is not four integers';
  if (c.lastRate !== null && typeof c.lastRate !== 'number')
    return 'its prune rate is not a number';
  if (!Array.isArray(c.params) || !Array.isArray(c.norms)) return 'it holds no parameters';
  for (const p of c.params as unknown[]) {
    const q = (p ?? {}) as Record<string, unknown>;
    if (![q.w, q.b, q.vw, q.vb].every(isF32)) return "a layer's weights are not float arrays";
    if ((q.w as Float32Array).length !== (q.vw as Float32Array).length)
      return "a layer's weights and momentum differ in size";
    if (q.unitMask !== null && !(q.unitMask instanceof Uint8Array))
      return "a layer's mask is not a byte array";
  }
  for (const n of c.norms as unknown[]) {
    const q = (n ?? {}) as Record<string, unknown>;
    if (![q.gb, q.vgb, q.running].every(isF32))
      return "a BatchNorm layer's state is not float arrays";
  }
  return null;
}
