// Runs every WGSL kernel and its CPU twin on the same seeded inputs through the one Backend
// interface, and reports the max abs error per case. Loaded by e2e/parity.spec.ts.
import { CpuBackend } from '../src/cpu/backend';
import type { Backend, DType, KernelArgs, KernelName, SparseTensors } from '../src/engine/backend';
import { GpuBackend } from '../src/gpu/backend';
import { KERNELS, type KernelDescriptor } from '../src/gpu/kernels';
import { cases, type Case } from './parityCases';

export interface ParityResult {
  name: string;
  kernel: KernelName;
  /** The WGSL source variant the GPU ran (pinned, or the descriptor's own pick). */
  variant: string;
  maxAbsErr: number;
  bound: number;
  compared: number;
  adapter: string;
}

function ownVariant<K extends KernelName>(kernel: K, args: KernelArgs[K]): string {
  const desc: KernelDescriptor<K> = KERNELS[kernel];
  return desc.variant(args);
}

async function runOn(
  be: Backend,
  c: Case,
): Promise<{ outputs: (Float32Array | Uint32Array)[]; variant: string }> {
  const args: Record<string, unknown> = { ...c.params };
  const tensors: Record<string, ReturnType<Backend['tensor']>> = {};
  for (const [key, host] of Object.entries(c.tensors)) {
    if (host === null) {
      args[key] = null;
      continue;
    }
    const t = be.tensor(host.dtype, host.data.length);
    be.write(t, host.data);
    tensors[key] = t;
    args[key] = t;
  }
  if (c.sparse) {
    const { format, values } = c.sparse;
    const upload = (data: Float32Array | Uint32Array, dtype: DType) => {
      const t = be.tensor(dtype, data.length);
      be.write(t, data);
      return t;
    };
    const w: SparseTensors = {
      ...(format.fanIn === null ? {} : { fanIn: format.fanIn }),
      ...(format.nm ? { padded: true } : {}),
      block: format.block,
      blockRows: format.blockRows,
      values: upload(values.data, 'f32'),
      rowPtr: upload(format.rowPtr, 'u32'),
      colIdx: upload(format.colIdx, 'u32'),
      colPtr: upload(format.colPtr, 'u32'),
      tEntry: upload(format.tEntry, 'u32'),
    };
    tensors['w.values'] = w.values;
    args.w = w;
  }
  const kernelArgs = args as unknown as KernelArgs[typeof c.kernel];
  if (c.variant && be instanceof GpuBackend)
    be.pin(c.kernel, kernelArgs, { variant: c.variant, constants: { WG_X: 4, WG_Y: 16 } });
  be.run([be.op(c.kernel, kernelArgs)]);
  const variant =
    (be instanceof GpuBackend ? be.tunedVariant(c.kernel, kernelArgs)?.variant : undefined) ??
    ownVariant(c.kernel, kernelArgs);
  return { outputs: await Promise.all(c.outputs.map((o) => be.read(tensors[o]))), variant };
}

async function runParity(): Promise<ParityResult[]> {
  const gpu = await GpuBackend.create(navigator.gpu);
  const cpu = new CpuBackend();
  const results: ParityResult[] = [];
  for (const c of cases()) {
    const want = (await runOn(cpu, c)).outputs;
    const { outputs: got, variant } = await runOn(gpu, c);
    let maxAbsErr = 0;
    let compared = 0;
    want.forEach((w, i) => {
      for (let j = 0; j < w.length; j++) {
        const err = Math.abs(w[j] - got[i][j]);
        maxAbsErr = Number.isNaN(err) ? Infinity : Math.max(maxAbsErr, err);
        compared++;
      }
    });
    results.push({
      name: c.name,
      kernel: c.kernel,
      variant,
      maxAbsErr,
      bound: c.bound,
      compared,
      adapter: gpu.adapter,
    });
  }
  gpu.destroy();
  return results;
}

declare global {
  interface Window {
    parity: Promise<ParityResult[]>;
    /** Every `kernel:variant` the GPU backend has a WGSL source for. */
    parityVariants: string[];
  }
}
window.parityVariants = Object.entries(KERNELS).flatMap(([name, d]) =>
  Object.keys(d.sources).map((v) => `${name}:${v}`),
);
window.parity = runParity();
window.parity.then(
  (r) => (document.getElementById('out')!.textContent = JSON.stringify(r, null, 2)),
  (e: Error) => (document.getElementById('out')!.textContent = `error: ${e.message}`),
);
