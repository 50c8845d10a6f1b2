import type {
  Backend,
  BackendLimits,
  DType,
  KernelArgs,
  KernelName,
  Op,
  Tensor,
} from '../engine/backend';
import * as k from './kernels';

interface CpuTensor extends Tensor {
  data: Float32Array | Uint32Array;
}
interface CpuOp extends Op {
  exec: () => void;
}

/** The reference backend: every kernel is its plain TypeScript twin, run immediately. */
export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly adapter = 'CPU (JavaScript reference)';
  readonly recoverable = false;
  private nextId = 1;

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
    const exec = makeExec(kernel, args);
    const op: CpuOp = { kernel, exec };
    return op;
  }

  run(ops: readonly Op[]): void {
    for (const op of ops) (op as CpuOp).exec();
  }

  release(): void {}

  destroy(): void {}
}

/** [rows][cols] back from the transposed [cols][rows] the CSR kernels read. */
function untranspose(t: Float32Array, cols: number, rows: number): Float32Array {
  const out = new Float32Array(rows * cols);
  k.transpose(t.subarray(0, rows * cols), out, cols, rows);
  return out;
}

const f = (t: Tensor) => (t as CpuTensor).data as Float32Array;
const u = (t: Tensor) => (t as CpuTensor).data as Uint32Array;

function makeExec<K extends KernelName>(kernel: K, args: KernelArgs[K]): () => void {
  const a = args as KernelArgs[KernelName];
  switch (kernel) {
    case 'gatherBatch': {
      const p = a as KernelArgs['gatherBatch'];
      return () =>
        k.gatherBatch(
          u(p.data),
          u(p.labels),
          u(p.order),
          u(p.cursor)[0],
          p.aug ? u(p.aug) : null,
          f(p.x),
          u(p.y),
          p.batch,
          p.height,
          p.width,
          p.channels,
          p.mean,
          p.std,
        );
    }
    case 'linearForward': {
      const p = a as KernelArgs['linearForward'];
      return () => k.linearForward(f(p.x), f(p.w), f(p.b), f(p.y), p.batch, p.inF, p.outF);
    }
    case 'linearGradInput': {
      const p = a as KernelArgs['linearGradInput'];
      return () => k.linearGradInput(f(p.dy), f(p.w), f(p.dx), p.batch, p.inF, p.outF);
    }
    case 'linearGradWeight': {
      const p = a as KernelArgs['linearGradWeight'];
      return () => k.linearGradWeight(f(p.dy), f(p.x), f(p.dw), p.batch, p.inF, p.outF);
    }
    case 'biasGrad': {
      const p = a as KernelArgs['biasGrad'];
      return () => k.biasGrad(f(p.dy), f(p.db), p.batch, p.outF);
    }
    case 'reluForward': {
      const p = a as KernelArgs['reluForward'];
      return () => k.reluForward(f(p.x), f(p.y), p.n);
    }
    case 'reluBackward': {
      const p = a as KernelArgs['reluBackward'];
      return () => k.reluBackward(f(p.y), f(p.dy), f(p.dx), p.n);
    }
    case 'softmaxXent': {
      const p = a as KernelArgs['softmaxXent'];
      return () =>
        k.softmaxXent(f(p.logits), u(p.labels), f(p.loss), f(p.dlogits), p.batch, p.classes);
    }
    case 'sgdUpdate': {
      const p = a as KernelArgs['sgdUpdate'];
      return () =>
        k.sgdUpdate(
          f(p.w),
          f(p.g),
          f(p.v),
          p.mask ? f(p.mask) : null,
          p.n,
          p.lr,
          p.momentum,
          p.wd,
          p.nesterov,
        );
    }
    case 'batchMetrics': {
      const p = a as KernelArgs['batchMetrics'];
      return () =>
        k.batchMetrics(f(p.logits), u(p.labels), f(p.loss), f(p.accum), p.batch, p.classes);
    }
    case 'sparseForward': {
      const p = a as KernelArgs['sparseForward'];
      const w = p.w;
      return () =>
        k.sparseForward(
          p.transposed ? untranspose(f(p.x), p.inF, p.batch) : f(p.x),
          f(w.values),
          u(w.rowPtr),
          u(w.colIdx),
          f(p.b),
          f(p.y),
          p.batch,
          p.inF,
          p.outF,
          w.block,
        );
    }
    case 'sparseGradInput': {
      const p = a as KernelArgs['sparseGradInput'];
      const w = p.w;
      return () =>
        k.sparseGradInput(
          p.transposed ? untranspose(f(p.dy), p.outF, p.batch) : f(p.dy),
          f(w.values),
          u(w.rowPtr),
          u(w.colPtr),
          u(w.tEntry),
          f(p.dx),
          p.batch,
          p.inF,
          p.outF,
          w.block,
        );
    }
    case 'sparseGradWeight': {
      const p = a as KernelArgs['sparseGradWeight'];
      const w = p.w;
      return () =>
        k.sparseGradWeight(
          p.transposed ? untranspose(f(p.dy), p.outF, p.batch) : f(p.dy),
          p.transposed ? untranspose(f(p.x), p.inF, p.batch) : f(p.x),
          u(w.rowPtr),
          u(w.colIdx),
          f(p.dw),
          p.batch,
          p.inF,
          p.outF,
          w.block,
        );
    }
    case 'sparseSgdUpdate': {
      const p = a as KernelArgs['sparseSgdUpdate'];
      const w = p.w;
      return () =>
        k.sparseSgdUpdate(
          f(w.values),
          f(p.g),
          f(p.v),
          u(w.rowPtr),
          u(w.colIdx),
          p.inF,
          p.outF,
          w.block,
          p.denseState,
          p.lr,
          p.momentum,
          p.wd,
          p.nesterov,
        );
    }
    case 'transpose': {
      const p = a as KernelArgs['transpose'];
      return () => k.transpose(f(p.src), f(p.dst), p.rows, p.cols);
    }
    case 'momentumUpdate': {
      const p = a as KernelArgs['momentumUpdate'];
      return () => k.momentumUpdate(f(p.v), f(p.g), p.n, p.momentum);
    }
    case 'im2col': {
      const p = a as KernelArgs['im2col'];
      return () => k.im2col(f(p.x), f(p.cols), p);
    }
    case 'col2im': {
      const p = a as KernelArgs['col2im'];
      return () => k.col2im(f(p.dcols), f(p.dx), p);
    }
    case 'maxPoolForward': {
      const p = a as KernelArgs['maxPoolForward'];
      return () => k.maxPoolForward(f(p.x), f(p.y), u(p.idx), p);
    }
    case 'maxPoolBackward': {
      const p = a as KernelArgs['maxPoolBackward'];
      return () => k.maxPoolBackward(f(p.dy), u(p.idx), f(p.dx), p);
    }
    case 'bnStats': {
      const p = a as KernelArgs['bnStats'];
      return () =>
        k.bnStats(
          f(p.x),
          f(p.stats),
          f(p.running),
          p.rows,
          p.channels,
          p.eps,
          p.momentum,
          p.training,
        );
    }
    case 'bnForward': {
      const p = a as KernelArgs['bnForward'];
      return () => k.bnForward(f(p.x), f(p.stats), f(p.gb), f(p.y), p.rows, p.channels);
    }
    case 'bnGradParams': {
      const p = a as KernelArgs['bnGradParams'];
      return () => k.bnGradParams(f(p.x), f(p.dy), f(p.stats), f(p.dgb), p.rows, p.channels);
    }
    case 'bnGradInput': {
      const p = a as KernelArgs['bnGradInput'];
      return () =>
        k.bnGradInput(f(p.x), f(p.dy), f(p.stats), f(p.gb), f(p.dgb), f(p.dx), p.rows, p.channels);
    }
    default:
      throw new Error(`unknown kernel ${String(kernel)}`);
  }
}
