import type {
  Backend,
  BackendLimits,
  DType,
  Interrupt,
  KernelArgs,
  KernelName,
  Op,
  Tensor,
} from '../engine/backend';
import { PACING, runPaced, type Job, type Pacing } from './executor';
import { CPU_KERNELS, CPU_SLICES } from './kernels';
import type { CpuTensor } from './tensor';

interface CpuOp extends Op {
  exec: () => void;
  /** The op for `submit`: split into rows where its kernel can be. */
  job: Job;
}

/**
 * The reference backend: every kernel is its plain TypeScript twin, run immediately (`run`) or
 * in slices that let the worker's messages in (`submit`, see ./executor).
 */
export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly adapter = 'CPU (JavaScript reference)';
  readonly adapterInfo = {
    vendor: 'sparse-playground',
    architecture: 'cpu',
    description: 'CPU (JavaScript reference)',
  };
  readonly recoverable = false;
  private nextId = 1;

  /** `pacing`: how often `submit` yields (tests make it yield after every row). */
  constructor(private readonly pacing: Pacing = PACING) {}

  limits(): BackendLimits {
    // Typed arrays hold up to 2^32 - 1 bytes in Chromium; the app's budget binds first.
    return {
      device: 'the CPU backend',
      maxBufferSize: 2 ** 32 - 1,
      maxStorageBufferBindingSize: 2 ** 32 - 1,
    };
  }

  liveMemory(): null {
    return null;
  }

  lostReason(): null {
    return null;
  }

  loseDevice(): void {}

  tensor(dtype: DType, length: number): Tensor {
    const data = dtype === 'f32' ? new Float32Array(length) : new Uint32Array(length);
    const t: CpuTensor = { id: this.nextId++, dtype, length, data };
    return t;
  }

  write(t: Tensor, data: Float32Array | Uint32Array, offset = 0): void {
    const target = (t as CpuTensor).data;
    if (data.length + offset > target.length) throw new Error('write out of bounds');
    target.set(data, offset);
  }

  read(t: Tensor): Promise<Float32Array | Uint32Array> {
    return Promise.resolve((t as CpuTensor).data.slice());
  }

  op<K extends KernelName>(kernel: K, args: KernelArgs[K]): Op {
    // A kernel name from outside the type system (a stale plan) fails here, not when run.
    if (!Object.hasOwn(CPU_KERNELS, kernel)) throw new Error(`unknown kernel ${String(kernel)}`);
    const twin = CPU_KERNELS[kernel];
    const exec = () => twin(args);
    const slicer = CPU_SLICES[kernel];
    const job: Job = slicer ? () => slicer(args) : () => (exec(), null);
    const op: CpuOp = { kernel, exec, job };
    return op;
  }

  run(ops: readonly Op[]): void {
    for (const op of ops) (op as CpuOp).exec();
  }

  submit(ops: readonly Op[], interrupt?: Interrupt): Promise<void> {
    return runPaced(
      ops.map((op) => (op as CpuOp).job),
      interrupt,
      this.pacing,
    );
  }

  release(): void {}

  destroy(): void {}
}
