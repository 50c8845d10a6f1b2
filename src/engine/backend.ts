/**
 * The one interface both backends implement. Kernels are prepared once into `Op`s (on the GPU:
 * a pipeline, a bind group and a uniform buffer) and a training step runs a list of them
 * (on the GPU: one command buffer, one submission). Only `read` waits for results.
 */

export type DType = 'f32' | 'u32';

/** An opaque handle to device memory, owned by the backend that made it. */
export interface Tensor {
  readonly id: number;
  readonly dtype: DType;
  readonly length: number;
}

/** Arguments of every kernel: tensors to bind and the fixed sizes/hyper-parameters of the op. */
export interface KernelArgs {
  /** Gathers `batch` samples listed in `order` from `cursor[0]` on, normalised to f32. */
  gatherBatch: {
    /** Pixels as bytes packed four to a u32, little-endian; each sample is H x W x C (HWC). */
    data: Tensor;
    labels: Tensor;
    order: Tensor;
    cursor: Tensor;
    /**
     * Per-sample augmentation (indexed like `data`), or null for none: bits 0-3 the crop's
     * x shift + 4, bits 4-7 its y shift + 4, bit 8 a horizontal flip. Pixels shifted in
     * from outside the image are 0 before normalisation, as with zero padding.
     */
    aug: Tensor | null;
    x: Tensor;
    y: Tensor;
    /**
     * The batch also written transposed, xT[f * batch + b] (the CSR kernels' layout: what a
     * `transpose` of x after the gather would give), or none.
     */
    xT?: Tensor | null;
    batch: number;
    height: number;
    width: number;
    channels: number;
    /** Per-channel normalisation (x/255 - mean[c]) / std[c]; up to 4 channels. */
    mean: number[];
    std: number[];
  };
  /**
   * Unfolds convolution patches: cols[(b,oy,ox), (ky,kx,c)] = x[b, oy*s+ky-p, ox*s+kx-p, c]
   * (0 outside the image), so a convolution is a matmul of cols with the [out, k*k*c] weights.
   */
  im2col: {
    x: Tensor;
    /** The patches as above, or null where no op reads them (only `colsT` is wanted). */
    cols: Tensor | null;
    /**
     * The same patches transposed, colsT[(ky,kx,c)][(b,oy,ox)], for the CSR kernels on
     * transposed activations: written in the same pass instead of a `transpose` after it.
     */
    colsT?: Tensor | null;
  } & ConvShape;
  /** The adjoint of im2col: dx[b,y,x,c] = sum of the dcols entries that read x[b,y,x,c]. */
  col2im: { dcols: Tensor; dx: Tensor } & ConvShape;
  /** Max over k x k windows (NHWC); `idx` keeps each output's argmax (index within the sample). */
  maxPoolForward: { x: Tensor; y: Tensor; idx: Tensor } & PoolShape;
  /** dx[i] = sum of dy over the windows whose argmax is i. */
  maxPoolBackward: {
    dy: Tensor;
    idx: Tensor;
    dx: Tensor;
    /**
     * The pool's output y when its input is a ReLU's output: a window's gradient is dropped
     * where its maximum is not > 0 (the ReLU's output there is not), the ReLU's backward done
     * in the same pass (exactly what `reluBackward` after it would give).
     */
    relu?: Tensor | null;
  } & PoolShape;
  /**
   * Per-channel statistics of x[rows, channels] into stats = [mean(C), invStd(C)]. Training:
   * batch statistics, and running = [mean(C), var(C)] is updated with `momentum` (unbiased
   * variance, as PyTorch). Evaluation: stats come from `running`.
   */
  bnStats: {
    x: Tensor;
    stats: Tensor;
    running: Tensor;
    rows: number;
    channels: number;
    eps: number;
    momentum: number;
    training: boolean;
  };
  /**
   * y = gamma[c] (x - mean[c]) invStd[c] + beta[c]; gb = [gamma(C), beta(C)]. With `relu`,
   * max(0, that): the ReLU after the BatchNorm (the same values `reluForward` would write).
   */
  bnForward: {
    x: Tensor;
    stats: Tensor;
    gb: Tensor;
    y: Tensor;
    rows: number;
    channels: number;
    relu?: boolean;
  };
  /** dgb = [sum dy*xhat, sum dy] per channel (the gradients of gamma and beta). */
  bnGradParams: {
    x: Tensor;
    dy: Tensor;
    stats: Tensor;
    dgb: Tensor;
    rows: number;
    channels: number;
  };
  /** dx = gamma invStd / M (M dy - dbeta - xhat dgamma), M = rows (training-mode BatchNorm). */
  bnGradInput: {
    x: Tensor;
    dy: Tensor;
    stats: Tensor;
    gb: Tensor;
    dgb: Tensor;
    dx: Tensor;
    rows: number;
    channels: number;
  };
  /**
   * y[b,o] = sum_i x[b,i] w[o,i] + bias[o]; with `relu`, max(0, that): a ReLU after the layer
   * applied as the result is stored (the same values `reluForward` would write).
   */
  linearForward: {
    x: Tensor;
    w: Tensor;
    b: Tensor;
    y: Tensor;
    batch: number;
    inF: number;
    outF: number;
    relu?: boolean;
  };
  /** dx[b,i] = sum_o dy[b,o] w[o,i]. */
  linearGradInput: {
    dy: Tensor;
    w: Tensor;
    dx: Tensor;
    batch: number;
    inF: number;
    outF: number;
    /**
     * The layer's input when it is a ReLU's output: dx = 0 where it is not > 0, the ReLU's
     * backward done as dx is stored (exactly what `reluBackward` after it would give).
     */
    relu?: Tensor | null;
  };
  /** dw[o,i] = sum_b dy[b,o] x[b,i] (dense: missing weights get gradients too). */
  linearGradWeight: {
    dy: Tensor;
    x: Tensor;
    dw: Tensor;
    batch: number;
    inF: number;
    outF: number;
    /**
     * The layer's bias gradient, summed in the same pass: db[o] = sum_b dy[b,o] (exactly what
     * `biasGrad` would give).
     */
    db?: Tensor | null;
  };
  /**
   * linearForward with a block-CSR weight matrix: only stored tiles are read. With
   * `transposed` (CSR only, batch % 4 == 0) x is [inF][batch], from `transpose`.
   */
  sparseForward: {
    x: Tensor;
    w: SparseTensors;
    b: Tensor;
    y: Tensor;
    transposed?: boolean;
    /** As linearForward's. */
    relu?: boolean;
  } & MatDims;
  /** linearGradInput with a block-CSR weight matrix, walked by tile columns (dy [outF][batch] when transposed). */
  sparseGradInput: {
    dy: Tensor;
    w: SparseTensors;
    dx: Tensor;
    transposed?: boolean;
    /** As linearGradInput's. */
    relu?: Tensor | null;
  } & MatDims;
  /** The weight gradient of the stored weights only, laid out like `w.values` (x and dy transposed when `transposed`). */
  sparseGradWeight: {
    dy: Tensor;
    x: Tensor;
    w: SparseTensors;
    dw: Tensor;
    transposed?: boolean;
    /** As linearGradWeight's (dy transposed when `transposed`). */
    db?: Tensor | null;
  } & MatDims;
  /**
   * A convolution with a CSR kernel w[outChannels][(ky,kx,c)] as an implicit GEMM: each stored
   * weight reads the NHWC input x directly (no im2col patches; 0 outside the image), y NHWC
   * with bias (and the fused ReLU as linearForward's). An output channel without stored weights
   * costs only its bias.
   */
  sparseConvForward: {
    x: Tensor;
    w: SparseTensors;
    b: Tensor;
    y: Tensor;
    relu?: boolean;
  } & SparseConvShape;
  /** The weight gradient of the stored weights (laid out like `w.values`), from x and dy directly. */
  sparseConvGradWeight: { dy: Tensor; x: Tensor; w: SparseTensors; dw: Tensor } & SparseConvShape;
  /** The input gradient dx (NHWC), gathered per input element over the weights touching it (no col2im). */
  sparseConvGradInput: { dy: Tensor; w: SparseTensors; dx: Tensor } & SparseConvShape;
  /** dst[c][r] = src[r][c] for rows % 4 == 0 (activations batch-contiguous for the CSR kernels). */
  transpose: { src: Tensor; dst: Tensor; rows: number; cols: number };
  /**
   * SGD on the stored weights. With `denseState`, g and v are dense [out][in] and a
   * momentumUpdate ran first (sparse momentum); otherwise they are laid out like the values.
   */
  sparseSgdUpdate: {
    w: SparseTensors;
    g: Tensor;
    v: Tensor;
    inF: number;
    outF: number;
    denseState: boolean;
    lr: number;
    momentum: number;
    wd: number;
    nesterov: boolean;
  };
  /** v = mu*v + g over a dense matrix: the momentum of missing weights too. */
  momentumUpdate: { v: Tensor; g: Tensor; n: number; momentum: number };
  /** db[o] = sum_b dy[b,o]. */
  biasGrad: { dy: Tensor; db: Tensor; batch: number; outF: number };
  reluForward: { x: Tensor; y: Tensor; n: number };
  /** dx = dy where the ReLU's output y > 0, else 0. */
  reluBackward: { y: Tensor; dy: Tensor; dx: Tensor; n: number };
  /** Per-sample loss and d(mean loss)/d(logits) of softmax cross-entropy. */
  softmaxXent: {
    logits: Tensor;
    labels: Tensor;
    loss: Tensor;
    dlogits: Tensor;
    /** When given, batchMetrics' sums are added into it too (one dispatch for both). */
    accum?: Tensor | null;
    batch: number;
    classes: number;
  };
  /** PyTorch SGD (momentum, Nesterov, weight decay), then weights outside `mask` set to 0. */
  sgdUpdate: {
    w: Tensor;
    g: Tensor;
    v: Tensor;
    mask: Tensor | null;
    n: number;
    lr: number;
    momentum: number;
    wd: number;
    nesterov: boolean;
  };
  /**
   * Adds the batch's loss sum and correct-prediction count into `accum`:
   * [epochLoss, epochCorrect, epochCount, windowLoss, windowCount].
   */
  batchMetrics: {
    logits: Tensor;
    labels: Tensor;
    loss: Tensor;
    accum: Tensor;
    batch: number;
    classes: number;
  };
  /**
   * Adds each (true label, predicted class) count of a batch into the [classes][classes]
   * confusion matrix (u32; row = true label; prediction = argmax, first maximum wins).
   */
  confusionCount: {
    logits: Tensor;
    labels: Tensor;
    confusion: Tensor;
    batch: number;
    classes: number;
  };
}

/** Sizes of a matrix product: `batch` rows of `inF` inputs to `outF` outputs. */
export interface MatDims {
  batch: number;
  inF: number;
  outF: number;
}

/** A block-CSR weight matrix on the device (see `src/sparse/format.ts`); block 1 is CSR. */
export interface SparseTensors {
  /** Constant fan-in: every row holds this many weights (ELL kernels, no row pointers read). */
  fanIn?: number;
  /** N:M (with fanIn): padding slots (column 0xffff, value 0) the kernels keep at 0. */
  padded?: boolean;
  block: number;
  blockRows: number;
  values: Tensor;
  rowPtr: Tensor;
  colIdx: Tensor;
  colPtr: Tensor;
  tEntry: Tensor;
}

/** A 2-D convolution's geometry over NHWC activations (square kernel, same stride both ways). */
export interface ConvShape {
  batch: number;
  height: number;
  width: number;
  channels: number;
  kernel: number;
  stride: number;
  pad: number;
  outHeight: number;
  outWidth: number;
}

/** A convolution's geometry with its number of output channels (the implicit-GEMM kernels). */
export interface SparseConvShape extends ConvShape {
  outChannels: number;
}

/** A max-pool's geometry over NHWC activations (no padding). */
export interface PoolShape {
  batch: number;
  height: number;
  width: number;
  channels: number;
  kernel: number;
  stride: number;
  outHeight: number;
  outWidth: number;
}

export type KernelName = keyof KernelArgs;
export const KERNEL_NAMES: readonly KernelName[] = [
  'gatherBatch',
  'linearForward',
  'linearGradInput',
  'linearGradWeight',
  'biasGrad',
  'reluForward',
  'reluBackward',
  'softmaxXent',
  'sgdUpdate',
  'batchMetrics',
  'confusionCount',
  'im2col',
  'col2im',
  'maxPoolForward',
  'maxPoolBackward',
  'bnStats',
  'bnForward',
  'bnGradParams',
  'bnGradInput',
  'sparseForward',
  'sparseGradInput',
  'sparseGradWeight',
  'sparseSgdUpdate',
  'momentumUpdate',
  'transpose',
  'sparseConvForward',
  'sparseConvGradWeight',
  'sparseConvGradInput',
];

/** A kernel invocation prepared once and run many times. */
export interface Op {
  readonly kernel: KernelName;
}

export type TypedArrayOf<D extends DType> = D extends 'f32' ? Float32Array : Uint32Array;

/**
 * Where long work may stop, called between slices of it: resolves at once to go on, later
 * while the run is paused (the work then goes on exactly where it stopped), or throws to cancel
 * it (a reset). The worker sees Pause and Reset only when its JavaScript yields.
 */
export type Interrupt = () => Promise<void>;

/** The largest allocations a device takes: checked before a run allocates anything. */
export interface BackendLimits {
  /** Names the device in a refusal, e.g. "this GPU (google swiftshader)". */
  device: string;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** What the device holds beyond the tensors' own bytes; absent: nothing (the CPU backend). */
  costs?: DeviceCosts;
}

/**
 * What a backend allocates beyond 4 bytes a tensor element, so the memory estimate counts
 * what the device really holds (src/engine/memory.ts) and the budget check is honest.
 */
export interface DeviceCosts {
  /** Bytes a tensor of `length` elements takes (alignment, a minimum size). */
  tensorBytes(length: number): number;
  /** Bytes a prepared op holds of its own (its uniform block), by kernel. */
  opBytes(kernel: KernelName): number;
  /** Bytes the backend holds for itself (a placeholder for unused bindings). */
  fixedBytes: number;
  /** Bytes of the staging buffer `read` copies through, once it has read `length` elements. */
  stagingBytes(length: number): number;
}

/**
 * The device a run's numbers came from, as a run record states it: on WebGPU the fields of
 * `GPUAdapter.info` as the browser gives them (often '' where it hides them), on the CPU its own.
 * Two runs are bit-identical only on the same backend and adapter.
 */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
}

export interface Backend {
  readonly kind: 'webgpu' | 'cpu';
  /** Human-readable device name (GPU adapter, or "CPU (JavaScript)"). */
  readonly adapter: string;
  /** The adapter field by field, for run records (absent: only `adapter` is known). */
  readonly adapterInfo?: AdapterInfo;
  /**
   * True where the device can be lost (a GPU): the worker then keeps a CPU checkpoint each
   * epoch and resumes from it on a new backend. The CPU backend is never lost.
   */
  readonly recoverable: boolean;
  limits(): BackendLimits;
  /**
   * Device memory held now (for the leak checks on screen) and the most held at once (to check
   * the memory estimate against), or null for plain JS memory.
   */
  liveMemory(): { buffers: number; bytes: number; peakBytes?: number } | null;
  /** Why the device was lost, once it is; null while it works (always, on the CPU). */
  lostReason(): string | null;
  /** Makes the device fail as a real loss would: the test aid behind device-loss recovery. */
  loseDevice(): void;
  tensor(dtype: DType, length: number): Tensor;
  /** Writes `data` at element `offset`; ordered with respect to `run`. */
  write(t: Tensor, data: Float32Array | Uint32Array, offset?: number): void;
  /** Reads a whole tensor back; the only call that waits for the device. */
  read(t: Tensor): Promise<Float32Array | Uint32Array>;
  op<K extends KernelName>(kernel: K, args: KernelArgs[K]): Op;
  /** Runs ops in order; on the GPU as one command submission. */
  run(ops: readonly Op[]): void;
  /**
   * `run` for a training loop, which must stay stoppable: the CPU runs the ops in slices of a
   * few tens of milliseconds and calls `interrupt` between them; the GPU calls it before it
   * submits, after waiting while two submissions are still running (little queued work is left
   * behind a reset). Resolves when the backend can take the next step.
   */
  submit(ops: readonly Op[], interrupt?: Interrupt): Promise<void>;
  /**
   * Optional autotuning: times the kernel's variants on these arguments once and keeps the
   * fastest for every later `op` of the same shape (cached per adapter). Variants only change
   * how work is split, never the arithmetic, so results do not depend on the choice.
   * `interrupt` is asked before each variant is timed (as in `submit`). Resolves true when it
   * chose a variant now (ops prepared before then should be prepared again), false when the
   * shape was tuned already or has nothing to choose.
   */
  tune?<K extends KernelName>(
    kernel: K,
    args: KernelArgs[K],
    interrupt?: Interrupt,
  ): Promise<boolean>;
  /** Frees tensors and prepared ops no longer used (sparse formats rebuilt at mask updates). */
  release(items: readonly (Tensor | Op)[]): void;
  destroy(): void;
}

/** Size in elements of the metrics accumulator used by `batchMetrics`. */
export const ACCUM_LENGTH = 5;
