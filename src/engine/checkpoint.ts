import type { Backend } from './backend';
import type { ParamStore } from './params';

/**
 * Everything a run needs to continue from an epoch boundary: weights, biases, momentum,
 * masks, BatchNorm state and the random stream. Plain arrays, kept on the CPU.
 */
export interface Checkpoint {
  epoch: number;
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
  if (c.params.length !== store.params.length || c.norms.length !== store.norms.length)
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
