import type { ImageDataset } from '../data/dataset';
import { packBytes } from '../data/dataset';
import { activeWeights, blockGrid, expandMask, type BlockGrid } from '../sparse/blocks';
import { initialCounts } from '../sparse/init';
import { isUpdateStep, pruneRateAt, resolveSparsity, type SparseSettings } from '../sparse/methods';
import { meanActiveMagnitude, normalizeShares, type LayerUpdateReport } from '../sparse/momentum';
import { maskUpdate, type UpdateLayer } from '../sparse/update';
import {
  buildSparseFormat,
  compactValues,
  expandValues,
  fitsSparseFormat,
  sparseBytes,
  valuesLength,
  type SparseFormat,
} from '../sparse/format';
import type { TrainingConfig as ExperimentConfig } from '../config/training';
import {
  ACCUM_LENGTH,
  type Backend,
  type ConvShape,
  type KernelArgs,
  type KernelName,
  type Op,
  type PoolShape,
  type SparseTensors,
  type Tensor,
} from './backend';
import { packAug } from './augment';
import { initLinear } from './init';
import {
  buildModel,
  size,
  weightLayers,
  type BatchNormSpec,
  type ConvSpec,
  type LayerSpec,
  type MaxPoolSpec,
  type WeightSpec,
} from './model';
import { Rng } from './rng';

/** Per-layer state reported at the end of each epoch. */
export interface LayerSnapshot {
  name: string;
  size: number;
  active: number;
  density: number;
  meanMomentum: number;
  momentumShare: number;
  /** Conv layers: output channels whose filter has no active weight (skippable); else null. */
  emptyChannels: number | null;
  /** Which matmul kernels the layer runs on: dense, csr, or block16 etc. (see `kernelChoice`). */
  kernel: LayerKernel;
}

export type LayerKernel = 'dense' | 'csr' | `block${number}`;

/**
 * Densities up to which the sparse kernels beat the dense ones, per format, from the kernel
 * benchmark (`npm run bench`) on SwiftShader: CSR forward and input gradient pass dense near
 * 0.25, block-CSR near 0.5; a margin below keeps the choice on the winning side.
 */
export const SPARSE_BELOW = { csr: 0.2, block: 0.4 };

/**
 * The kernel a masked layer uses at this density: sparse where a sparse kernel exists for its
 * shape (block a multiple of 4 with rows of a multiple of 4 floats, or single weights) and is
 * faster, else dense kernels on masked weights.
 */
export function kernelChoice(
  density: number,
  block: number,
  inF: number,
  fits: boolean,
): LayerKernel {
  if (!fits) return 'dense';
  if (block === 1) return density <= SPARSE_BELOW.csr ? 'csr' : 'dense';
  if (block % 4 !== 0 || inF % 4 !== 0) return 'dense';
  return density <= SPARSE_BELOW.block ? `block${block}` : 'dense';
}

export interface EpochMetrics {
  epoch: number;
  testAcc: number;
  testLoss: number;
  trainAcc: number;
  trainLoss: number;
  /** Total density over all weight matrices (biases are always dense and not counted). */
  density: number;
  layers: LayerSnapshot[];
  /** Per weight layer after the first: fraction of zeros in its input (last training batch). */
  inputZeros: { name: string; zeros: number }[];
  /** Prune rate of the last mask update during this epoch; null when none ran. */
  pruneRate: number | null;
  seconds: number;
  samplesPerSec: number;
}

export interface StepProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  totalSteps: number;
  /** Mean train loss over the steps since the previous progress event. */
  trainLoss: number;
  samplesPerSec: number;
}

/** Mask element states for the mask views. */
export const MASK_ABSENT = 0;
export const MASK_ACTIVE = 1;
export const MASK_PRUNED = 2;
export const MASK_REGROWN = 3;

/**
 * Each layer's mask as a [rows][cols] grid of states (absent, active, pruned by the last update,
 * regrown by it); conv layers are [out channels][k·k·in channels].
 */
export interface MaskView {
  globalStep: number;
  layers: {
    name: string;
    rows: number;
    cols: number;
    kernel: number;
    inChannels: number;
    state: Uint8Array;
  }[];
}

export interface MaskUpdateEvent {
  epoch: number;
  globalStep: number;
  pruneRate: number;
  layers: (LayerUpdateReport & { emptyChannels: number | null })[];
}

export interface TrainerEvents {
  progress?(p: StepProgress): void;
  epoch?(m: EpochMetrics): void;
  maskUpdate?(u: MaskUpdateEvent): void;
  /** Every layer's mask after an update, with what the update pruned and regrew. */
  masks?(m: MaskView): void;
}

/**
 * A weight layer. Dense storage: w, dw, vw and the mask are [out][in]. Sparse storage: the
 * weights live only in `sparse` (block-CSR values and indices); dw and vw are stored like the
 * values, or dense [out][in] when the method needs the momentum of missing weights
 * (`denseState`, sparse momentum).
 */
interface Param {
  spec: WeightSpec;
  /** Dense weights; null while the layer is stored sparse. */
  w: Tensor | null;
  b: Tensor;
  dw: Tensor;
  db: Tensor;
  vw: Tensor;
  vb: Tensor;
  mask: Tensor | null;
  grid: BlockGrid;
  /** Active tiles (single weights when block = 1); null when training dense. */
  unitMask: Uint8Array | null;
  sparse: SparseParam | null;
  /** Gradient growth (RigL) reads a dense gradient at its update steps only. */
  denseGrad: Tensor | null;
}

interface SparseParam {
  format: SparseFormat;
  t: SparseTensors;
  /** Tiles the index and value buffers can hold before they are reallocated. */
  capacity: number;
  denseState: boolean;
}

/** BatchNorm state: [gamma, beta], their gradient and momentum, batch and running stats. */
interface NormParam {
  spec: BatchNormSpec;
  gb: Tensor;
  dgb: Tensor;
  vgb: Tensor;
  stats: Tensor;
  running: Tensor;
}

interface Plan {
  batch: number;
  ops: Op[];
  /** Tensors the plan allocated (activations, gradients), freed with it. */
  owned: Tensor[];
  /** Autotunes the plan's matmul ops (run once; the plan is then rebuilt with the winners). */
  tuners: (() => Promise<void>)[];
  /** The input activations of every weight layer but the first (for activation sparsity). */
  inputs: { name: string; tensor: Tensor }[];
}

/** Wraps a backend so every tensor and op made through it is recorded until released. */
function tracking(be: Backend, live: Set<Tensor | Op>): Backend {
  const tune = be.tune?.bind(be);
  return {
    kind: be.kind,
    adapter: be.adapter,
    recoverable: be.recoverable,
    limits: () => be.limits(),
    liveMemory: () => be.liveMemory(),
    lostReason: () => be.lostReason(),
    loseDevice: () => be.loseDevice(),
    tensor: (dtype, length) => {
      const t = be.tensor(dtype, length);
      live.add(t);
      return t;
    },
    write: (t, data, offset) => be.write(t, data, offset),
    read: (t) => be.read(t),
    op: (kernel, args) => {
      const o = be.op(kernel, args);
      live.add(o);
      return o;
    },
    run: (ops) => be.run(ops),
    ...(tune ? { tune } : {}),
    release: (items) => {
      for (const item of items) live.delete(item);
      be.release(items);
    },
    destroy: () => be.destroy(),
  };
}

const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && 'id' in v;

/** PyTorch's BatchNorm defaults. */
const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

function convShape(l: ConvSpec, batch: number): ConvShape {
  return {
    batch,
    height: l.inShape.height,
    width: l.inShape.width,
    channels: l.inShape.channels,
    kernel: l.kernel,
    stride: l.stride,
    pad: l.pad,
    outHeight: l.outShape.height,
    outWidth: l.outShape.width,
  };
}

function poolShape(l: MaxPoolSpec, batch: number): PoolShape {
  return {
    batch,
    height: l.inShape.height,
    width: l.inShape.width,
    channels: l.inShape.channels,
    kernel: l.kernel,
    stride: l.stride,
    outHeight: l.outShape.height,
    outWidth: l.outShape.width,
  };
}

/** Active weights each weight layer starts with (every weight when training dense). */
export function initialLayerCounts(layers: LayerSpec[], sparsity: SparseSettings): number[] {
  const linears = weightLayers(layers);
  if (sparsity.density >= 1) return linears.map((l) => l.inFeatures * l.outFeatures);
  const shapes = linears.map((l) =>
    l.kind === 'conv'
      ? {
          size: l.inFeatures * l.outFeatures,
          inFeatures: l.inShape.channels,
          outFeatures: l.outFeatures,
          kernel: [l.kernel, l.kernel] as [number, number],
        }
      : {
          size: l.inFeatures * l.outFeatures,
          inFeatures: l.inFeatures,
          outFeatures: l.outFeatures,
        },
  );
  return initialCounts(shapes, sparsity.density, sparsity.init);
}

/** Tiles the sparse buffers of a layer with `nnzBlocks` tiles are allocated for. */
export function sparseCapacity(nnzBlocks: number, units: number): number {
  // Room for a quarter more tiles, so most mask updates reuse the buffers.
  return Math.min(units, Math.ceil(nnzBlocks * 1.25) + 4);
}

/** Output channels of a conv layer whose whole filter is masked out. */
export function emptyChannels(spec: WeightSpec, mask: Uint8Array | null): number | null {
  if (spec.kind !== 'conv') return null;
  if (!mask) return 0;
  let empty = 0;
  for (let o = 0; o < spec.outFeatures; o++) {
    const row = mask.subarray(o * spec.inFeatures, (o + 1) * spec.inFeatures);
    if (row.every((m) => m === 0)) empty++;
  }
  return empty;
}

/**
 * Samples per evaluation batch: up to 1000, fewer when a layer's per-sample buffers are
 * large (a conv layer's unfolded patches), so no buffer grows past ~32 MB.
 */
export function evalBatchSize(layers: LayerSpec[], inputFeatures: number): number {
  let perSample = inputFeatures;
  for (const l of layers) {
    if (l.kind === 'conv') {
      const patches = l.outShape.height * l.outShape.width * l.inFeatures;
      perSample = Math.max(perSample, size(l.outShape), patches);
    }
    if (l.kind === 'linear') perSample = Math.max(perSample, l.outFeatures);
  }
  const fit = Math.floor((32 * 2 ** 20) / 4 / perSample);
  return Math.max(1, Math.min(1000, fit >= 100 ? fit - (fit % 50) : fit));
}

export interface TrainerOptions {
  /** Keep a CPU copy of the state at every epoch boundary (to survive a lost GPU device). */
  keepCheckpoints?: boolean;
  /** Start from a checkpoint instead of a fresh initialisation. */
  resume?: Checkpoint;
}

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

/** Raised when the loss stops being a finite number; the message tells a person what to try. */
export class DivergedError extends Error {
  constructor(step: number, epoch: number, lr: number) {
    super(
      `Training diverged: the loss became NaN or infinite by step ${step} (epoch ${epoch}). ` +
        `Try a smaller learning rate than lr=${lr}.`,
    );
    this.name = 'DivergedError';
  }
}

/** How often (in steps) the running train loss is read back from the device. */
export const READ_EVERY = 25;

/**
 * Trains one experiment on any Backend. It owns the step loop, evaluation and the
 * end-of-epoch sparse-momentum mask updates; it knows nothing about the UI.
 */
export class Trainer {
  readonly layers: LayerSpec[];
  readonly sparsity: SparseSettings;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  epoch = 0;
  private stepInEpoch = 0;
  private rng: Rng;
  private readonly params: Param[] = [];
  private readonly norms: NormParam[] = [];
  private readonly aug: Tensor | null;
  private readonly evalBatch: number;
  private readonly trainPlans = new Map<string, Plan>();
  private readonly evalPlans = new Map<string, Plan>();
  private readonly trainData: Record<'images' | 'labels' | 'order', Tensor>;
  private readonly testData: Record<'images' | 'labels' | 'order', Tensor>;
  private readonly cursor: Tensor;
  private readonly trainAccum: Tensor;
  private readonly evalAccum: Tensor;
  private epochStart = 0;
  private windowStart = 0;
  private windowSamples = 0;

  constructor(
    readonly backend: Backend,
    readonly config: ExperimentConfig,
    readonly train: ImageDataset,
    readonly test: ImageDataset,
    private readonly events: TrainerEvents = {},
    options: TrainerOptions = {},
  ) {
    this.dev = tracking(backend, this.allocated);
    this.rng = new Rng(config.seed);
    this.keepCheckpoints = options.keepCheckpoints ?? false;
    this.sparsity = resolveSparsity(config);
    this.layers = buildModel(
      config.model,
      { height: train.height, width: train.width, channels: train.channels },
      config.hidden,
      train.classes,
    );
    this.evalBatch = evalBatchSize(this.layers, train.features);
    this.stepsPerEpoch = Math.ceil(train.count / config.batch);
    this.totalSteps = this.stepsPerEpoch * config.epochs;
    this.trainData = this.upload(train);
    this.testData = this.upload(test);
    this.aug = config.augment ? this.dev.tensor('u32', train.count) : null;
    const identity = new Uint32Array(test.count);
    for (let i = 0; i < identity.length; i++) identity[i] = i;
    backend.write(this.testData.order, identity);
    this.cursor = this.dev.tensor('u32', 1);
    this.trainAccum = this.dev.tensor('f32', ACCUM_LENGTH);
    this.evalAccum = this.dev.tensor('f32', ACCUM_LENGTH);
    this.initParams();
    if (options.resume) this.restore(options.resume);
  }

  private readonly keepCheckpoints: boolean;
  /** Everything this trainer allocated on the backend and has not released. */
  private readonly allocated = new Set<Tensor | Op>();
  /** The backend, counting what this trainer allocates (see `release`). */
  private readonly dev: Backend;

  /** Frees every buffer and op of this trainer (the backend itself stays usable). */
  release(): void {
    this.dev.release([...this.allocated]);
    this.trainPlans.clear();
    this.evalPlans.clear();
  }
  /** Set between epochs: the next step first shuffles and starts the epoch. */
  private epochPending = true;
  /** The state at the last epoch boundary, when `keepCheckpoints` is on. */
  checkpoint: Checkpoint | null = null;

  /** Reads everything needed to resume at this epoch boundary onto the CPU. */
  async captureCheckpoint(): Promise<Checkpoint> {
    if (!this.epochPending) throw new Error('checkpoints are taken between epochs');
    const f32 = async (t: Tensor) => (await this.dev.read(t)) as Float32Array;
    return {
      epoch: this.epoch,
      rng: this.rng.state(),
      lastRate: this.lastRate,
      params: await Promise.all(
        this.params.map(async (p) => {
          const { w, v } = await this.readDense(p);
          return {
            w,
            b: await f32(p.b),
            vw: v,
            vb: await f32(p.vb),
            unitMask: p.unitMask ? p.unitMask.slice() : null,
          };
        }),
      ),
      norms: await Promise.all(
        this.norms.map(async (n) => ({
          gb: await f32(n.gb),
          vgb: await f32(n.vgb),
          running: await f32(n.running),
        })),
      ),
    };
  }

  private restore(c: Checkpoint): void {
    if (c.params.length !== this.params.length || c.norms.length !== this.norms.length)
      throw new Error('the checkpoint belongs to a different model');
    this.rng = new Rng(this.config.seed, c.rng);
    this.epoch = c.epoch;
    this.lastRate = c.lastRate;
    this.params.forEach((p, i) => {
      const s = c.params[i];
      this.writeState(p, s.w, s.vw, s.unitMask ? s.unitMask.slice() : null);
      this.dev.write(p.b, s.b);
      this.dev.write(p.vb, s.vb);
    });
    this.norms.forEach((n, i) => {
      this.dev.write(n.gb, c.norms[i].gb);
      this.dev.write(n.vgb, c.norms[i].vgb);
      this.dev.write(n.running, c.norms[i].running);
    });
    this.checkpoint = c;
  }

  get finished(): boolean {
    return this.epoch >= this.config.epochs;
  }

  get globalStep(): number {
    return this.epoch * this.stepsPerEpoch + this.stepInEpoch;
  }

  private upload(ds: ImageDataset): Record<'images' | 'labels' | 'order', Tensor> {
    const packed = packBytes(ds.pixels);
    const images = this.dev.tensor('u32', packed.length);
    this.dev.write(images, packed);
    const labels = this.dev.tensor('u32', ds.count);
    this.dev.write(labels, Uint32Array.from(ds.labels));
    const order = this.dev.tensor('u32', ds.count);
    return { images, labels, order };
  }

  /** Init order is fixed (layer by layer: weight, bias; then masks) so seeds reproduce. */
  private initParams(): void {
    const linears = weightLayers(this.layers);
    // PyTorch's Conv2d default init is the Linear one with fan-in = k·k·in channels.
    const inits = linears.map((l) => initLinear(l.inFeatures, l.outFeatures, this.rng));
    const sparse = this.sparsity.density < 1;
    const counts = initialLayerCounts(this.layers, this.sparsity);
    linears.forEach((spec, i) => {
      const n = spec.inFeatures * spec.outFeatures;
      const { weight, bias } = inits[i];
      const grid = blockGrid(spec.outFeatures, spec.inFeatures, this.sparsity.block);
      let unitMask: Uint8Array | null = null;
      if (sparse) {
        unitMask = new Uint8Array(grid.units);
        if (grid.block === 1) {
          for (const u of this.rng.sample(grid.units, counts[i])) unitMask[u] = 1;
        } else {
          // Tiles in a random order, taken while they fit the layer's weight count (at least
          // one, so that no layer starts cut off): within one tile of the target.
          let used = 0;
          for (const u of this.rng.sample(grid.units, grid.units)) {
            if (used === 0 || used + grid.unitSize[u] <= counts[i]) {
              unitMask[u] = 1;
              used += grid.unitSize[u];
            }
          }
        }
        const elementMask = expandMask(unitMask, grid);
        for (let j = 0; j < n; j++) if (!elementMask[j]) weight[j] = 0;
      }
      const t = (len: number) => this.dev.tensor('f32', len);
      const p: Param = {
        spec,
        w: null,
        b: t(spec.outFeatures),
        dw: t(1),
        db: t(spec.outFeatures),
        vw: t(1),
        vb: t(spec.outFeatures),
        mask: null,
        grid,
        unitMask: null,
        sparse: null,
        denseGrad: null,
      };
      this.writeState(p, weight, new Float32Array(n), unitMask);
      this.dev.write(p.b, bias);
      this.params.push(p);
    });
    for (const spec of this.layers) {
      if (spec.kind !== 'batchnorm') continue;
      const c = spec.shape.channels;
      const t = (len: number) => this.dev.tensor('f32', len);
      const norm: NormParam = {
        spec,
        gb: t(2 * c),
        dgb: t(2 * c),
        vgb: t(2 * c),
        stats: t(2 * c),
        running: t(2 * c),
      };
      // gamma = 1, beta = 0; running mean 0, running variance 1 (PyTorch's defaults).
      const ones = new Float32Array(2 * c);
      ones.fill(1, 0, c);
      this.dev.write(norm.gb, ones);
      const running = new Float32Array(2 * c);
      running.fill(1, c);
      this.dev.write(norm.running, running);
      this.norms.push(norm);
    }
  }

  /** The layer's kernel for its current mask (see `kernelChoice`). */
  private kernelOf(p: Param, unitMask: Uint8Array | null): LayerKernel {
    if (!unitMask || this.config.kernels === 'dense') return 'dense';
    const n = p.spec.inFeatures * p.spec.outFeatures;
    const density = this.config.kernels === 'sparse' ? 0 : activeWeights(unitMask, p.grid) / n;
    return kernelChoice(density, p.grid.block, p.spec.inFeatures, fitsSparseFormat(p.grid));
  }

  /**
   * Puts a layer's dense weights, momentum and mask on the device in the storage its density
   * calls for (dense, or block-CSR rebuilt from the mask), reusing buffers that still fit.
   * When buffers change, every plan is rebuilt (their ops bind the old buffers).
   */
  private writeState(
    p: Param,
    weights: Float32Array,
    momentum: Float32Array,
    unitMask: Uint8Array | null,
  ): void {
    const be = this.dev;
    const n = p.spec.inFeatures * p.spec.outFeatures;
    const kernel = this.kernelOf(p, unitMask);
    const stale: Tensor[] = [];
    const f32 = (len: number) => be.tensor('f32', len);
    p.unitMask = unitMask;
    if (kernel === 'dense') {
      if (p.sparse || !p.w) {
        if (p.sparse) stale.push(...Object.values(p.sparse.t).filter(isTensor), p.dw, p.vw);
        else stale.push(p.dw, p.vw);
        p.sparse = null;
        p.w = f32(n);
        p.dw = f32(n);
        p.vw = f32(n);
      }
      if (unitMask && !p.mask) p.mask = f32(n);
      if (p.mask && unitMask) be.write(p.mask, Float32Array.from(expandMask(unitMask, p.grid)));
      be.write(p.w, weights);
      be.write(p.vw, momentum);
    } else {
      const format = buildSparseFormat(unitMask!, p.grid);
      const denseState = this.sparsity.growth === 'momentum';
      const old = p.sparse;
      if (!old || old.capacity < format.nnzBlocks) {
        if (old) stale.push(...Object.values(old.t).filter(isTensor));
        if (p.w) stale.push(p.w);
        if (p.mask) stale.push(p.mask);
        stale.push(p.dw, p.vw);
        p.w = null;
        p.mask = null;
        const capacity = sparseCapacity(format.nnzBlocks, p.grid.units);
        const bb = p.grid.block * p.grid.block;
        const u32 = (len: number) => be.tensor('u32', Math.max(1, len));
        p.sparse = {
          format,
          capacity,
          denseState,
          t: {
            block: p.grid.block,
            blockRows: format.blockRows,
            values: f32(capacity * bb),
            rowPtr: u32(format.rowPtr.length),
            colIdx: u32(Math.ceil(capacity / 2)),
            colPtr: u32(format.colPtr.length),
            tEntry: u32(capacity),
          },
        };
        p.dw = f32(denseState ? n : capacity * bb);
        p.vw = f32(denseState ? n : capacity * bb);
        if (this.sparsity.growth === 'gradient' && !p.denseGrad) p.denseGrad = f32(n);
      }
      const sp = p.sparse!;
      sp.format = format;
      be.write(sp.t.values, compactValues(weights, format, p.grid));
      be.write(sp.t.rowPtr, format.rowPtr);
      be.write(sp.t.colIdx, format.colIdx);
      be.write(sp.t.colPtr, format.colPtr);
      be.write(sp.t.tEntry, format.tEntry);
      be.write(p.vw, sp.denseState ? momentum : compactValues(momentum, format, p.grid));
    }
    if (stale.length > 0) {
      be.release(stale);
      this.dropPlans();
    }
  }

  /** Frees every cached plan (ops and the tensors they own); they are rebuilt on demand. */
  private dropPlans(): void {
    for (const cache of [this.trainPlans, this.evalPlans]) {
      for (const plan of cache.values()) this.dev.release([...plan.ops, ...plan.owned]);
      cache.clear();
    }
    this.lastPlan = null;
  }

  /** A layer's weights and momentum as dense [out][in] arrays (missing weights 0). */
  private async readDense(p: Param): Promise<{ w: Float32Array; v: Float32Array }> {
    const read = async (t: Tensor) => (await this.dev.read(t)) as Float32Array;
    const sp = p.sparse;
    if (!sp) return { w: await read(p.w!), v: await read(p.vw) };
    const values = await read(sp.t.values);
    const v = await read(p.vw);
    return {
      w: expandValues(values.subarray(0, valuesLength(sp.format)), sp.format, p.grid),
      v: sp.denseState
        ? v
        : expandValues(v.subarray(0, valuesLength(sp.format)), sp.format, p.grid),
    };
  }

  /** Bytes of weight storage on the device: values and indices, or the dense matrix and mask. */
  weightBytes(): { dense: number; stored: number } {
    let dense = 0;
    let stored = 0;
    for (const p of this.params) {
      const n = p.spec.inFeatures * p.spec.outFeatures;
      dense += 4 * n;
      stored += p.sparse ? sparseBytes(p.sparse.format) : 4 * n * (p.mask ? 2 : 1);
    }
    return { dense, stored };
  }

  /** Each weight layer's kernel now. */
  layerKernels(): { name: string; kernel: LayerKernel }[] {
    return this.params.map((p) => ({
      name: p.spec.name,
      kernel: p.sparse ? (p.grid.block === 1 ? 'csr' : `block${p.grid.block}`) : 'dense',
    }));
  }

  /**
   * Builds (once per batch size) the ops of a forward pass, and for training the rest.
   * `denseGrad` adds the dense weight gradient of sparse layers (gradient growth at its updates).
   */
  private plan(batch: number, training: boolean, denseGrad = false): Plan {
    const cache = training ? this.trainPlans : this.evalPlans;
    const cacheKey = `${batch}:${denseGrad}`;
    const cached = cache.get(cacheKey);
    if (cached) return cached;
    const be = this.dev;
    const data = training ? this.trainData : this.testData;
    const ds = training ? this.train : this.test;
    const owned: Tensor[] = [];
    const f32 = (n: number) => {
      const t = be.tensor('f32', n);
      owned.push(t);
      return t;
    };
    const tuners: (() => Promise<void>)[] = [];
    const matmul = <K extends KernelName>(kernel: K, args: KernelArgs[K]): Op => {
      const tune = be.tune?.bind(be);
      if (tune && training) tuners.push(() => tune(kernel, args));
      return be.op(kernel, args);
    };
    /**
     * CSR layers read activations and output gradients transposed (one feature over the
     * batch contiguous), made by a transpose op: the inputs of each such layer, by layer.
     */
    const transposedInput = new Map<Param, Tensor>();
    const csrT = (param: Param, rows: number) =>
      param.sparse !== null && param.grid.block === 1 && rows % 4 === 0;
    /** Forward of a weight layer on rows of `inF` inputs, dense or sparse. */
    const forward = (param: Param, x: Tensor, y: Tensor, rows: number): Op[] => {
      const dims = { batch: rows, inF: param.spec.inFeatures, outF: param.spec.outFeatures };
      if (!param.sparse)
        return [matmul('linearForward', { x, w: param.w!, b: param.b, y, ...dims })];
      if (!csrT(param, rows))
        return [matmul('sparseForward', { x, w: param.sparse.t, b: param.b, y, ...dims })];
      const xt = f32(rows * dims.inF);
      transposedInput.set(param, xt);
      return [
        be.op('transpose', { src: x, dst: xt, rows, cols: dims.inF }),
        be.op('sparseForward', {
          x: xt,
          w: param.sparse.t,
          b: param.b,
          y,
          transposed: true,
          ...dims,
        }),
      ];
    };
    const acts: Tensor[] = [f32(batch * ds.features)];
    const widths: number[] = [ds.features];
    const labels = be.tensor('u32', batch);
    owned.push(labels);
    const ops: Op[] = [
      be.op('gatherBatch', {
        data: data.images,
        labels: data.labels,
        order: data.order,
        cursor: this.cursor,
        aug: training ? this.aug : null,
        x: acts[0],
        y: labels,
        batch,
        height: ds.height,
        width: ds.width,
        channels: ds.channels,
        mean: ds.mean,
        std: ds.std,
      }),
    ];
    let p = 0;
    let n = 0;
    const paramOf: (Param | null)[] = [];
    const normOf: (NormParam | null)[] = [];
    /** Per conv layer, its unfolded patches (reused for the patch gradient). */
    const colsOf: (Tensor | null)[] = [];
    const idxOf: (Tensor | null)[] = [];
    for (const layer of this.layers) {
      const x = acts[acts.length - 1];
      const width = widths[widths.length - 1];
      let param: Param | null = null;
      let norm: NormParam | null = null;
      let cols: Tensor | null = null;
      let idx: Tensor | null = null;
      let y: Tensor = x;
      let outWidth = width;
      if (layer.kind === 'linear') {
        param = this.params[p++];
        outWidth = layer.outFeatures;
        y = f32(batch * outWidth);
        ops.push(...forward(param, x, y, batch));
      } else if (layer.kind === 'conv') {
        param = this.params[p++];
        outWidth = size(layer.outShape);
        const rows = batch * layer.outShape.height * layer.outShape.width;
        cols = f32(rows * layer.inFeatures);
        y = f32(batch * outWidth);
        ops.push(be.op('im2col', { x, cols, ...convShape(layer, batch) }));
        ops.push(...forward(param, cols, y, rows));
      } else if (layer.kind === 'maxpool') {
        outWidth = size(layer.outShape);
        y = f32(batch * outWidth);
        idx = be.tensor('u32', batch * outWidth);
        owned.push(idx);
        ops.push(be.op('maxPoolForward', { x, y, idx, ...poolShape(layer, batch) }));
      } else if (layer.kind === 'batchnorm') {
        norm = this.norms[n++];
        const rows = batch * layer.shape.height * layer.shape.width;
        const channels = layer.shape.channels;
        y = f32(batch * width);
        ops.push(
          be.op('bnStats', {
            x,
            stats: norm.stats,
            running: norm.running,
            rows,
            channels,
            eps: BN_EPS,
            momentum: BN_MOMENTUM,
            training,
          }),
        );
        ops.push(be.op('bnForward', { x, stats: norm.stats, gb: norm.gb, y, rows, channels }));
      } else if (layer.kind === 'relu') {
        y = f32(batch * width);
        ops.push(be.op('reluForward', { x, y, n: batch * width }));
      }
      // flatten: NHWC activations are already flat; the same tensor passes through.
      acts.push(y);
      widths.push(outWidth);
      paramOf.push(param);
      normOf.push(norm);
      colsOf.push(cols);
      idxOf.push(idx);
    }
    const classes = ds.classes;
    const logits = acts[acts.length - 1];
    const loss = f32(batch);
    // Gradients of each activation; the input needs none (slot 0 is never written) and a
    // flatten shares its gradient with its output.
    const grads: Tensor[] = new Array<Tensor>(widths.length);
    for (let i = widths.length - 1; i >= 0; i--) {
      if (i === 0) grads[i] = acts[0];
      else if (i < this.layers.length && this.layers[i].kind === 'flatten') grads[i] = grads[i + 1];
      else grads[i] = training || i === widths.length - 1 ? f32(batch * widths[i]) : acts[0];
    }
    ops.push(
      be.op('softmaxXent', {
        logits,
        labels,
        loss,
        dlogits: grads[grads.length - 1],
        batch,
        classes,
      }),
    );
    ops.push(
      be.op('batchMetrics', {
        logits,
        labels,
        loss,
        accum: training ? this.trainAccum : this.evalAccum,
        batch,
        classes,
      }),
    );
    /** Weight, bias and (when dx is given) input gradients of a weight layer. */
    const backward = (param: Param, dy: Tensor, x: Tensor, dx: Tensor | null, rows: number) => {
      const dims = { batch: rows, inF: param.spec.inFeatures, outF: param.spec.outFeatures };
      const out: Op[] = [];
      const sp = param.sparse;
      const xt = transposedInput.get(param);
      let dyt: Tensor | null = null;
      if (sp && xt) {
        dyt = f32(rows * dims.outF);
        out.push(be.op('transpose', { src: dy, dst: dyt, rows, cols: dims.outF }));
      }
      if (!sp || sp.denseState)
        out.push(matmul('linearGradWeight', { dy, x, dw: param.dw, ...dims }));
      else if (xt && dyt)
        out.push(
          be.op('sparseGradWeight', {
            dy: dyt,
            x: xt,
            w: sp.t,
            dw: param.dw,
            transposed: true,
            ...dims,
          }),
        );
      else out.push(be.op('sparseGradWeight', { dy, x, w: sp.t, dw: param.dw, ...dims }));
      if (sp && denseGrad && param.denseGrad)
        out.push(matmul('linearGradWeight', { dy, x, dw: param.denseGrad, ...dims }));
      out.push(be.op('biasGrad', { dy, db: param.db, batch: rows, outF: dims.outF }));
      if (dx && sp && dyt)
        out.push(be.op('sparseGradInput', { dy: dyt, w: sp.t, dx, transposed: true, ...dims }));
      else if (dx)
        out.push(
          sp
            ? matmul('sparseGradInput', { dy, w: sp.t, dx, ...dims })
            : matmul('linearGradInput', { dy, w: param.w!, dx, ...dims }),
        );
      return out;
    };
    if (training) {
      for (let i = this.layers.length - 1; i >= 0; i--) {
        const layer = this.layers[i];
        const dy = grads[i + 1];
        if (layer.kind === 'linear') {
          const param = paramOf[i]!;
          ops.push(...backward(param, dy, acts[i], i > 0 ? grads[i] : null, batch));
        } else if (layer.kind === 'conv') {
          const param = paramOf[i]!;
          const cols = colsOf[i]!;
          const rows = batch * layer.outShape.height * layer.outShape.width;
          // The patches are no longer needed after the weight gradient: their buffer takes
          // the patch gradient.
          ops.push(...backward(param, dy, cols, i > 0 ? cols : null, rows));
          if (i > 0)
            ops.push(be.op('col2im', { dcols: cols, dx: grads[i], ...convShape(layer, batch) }));
        } else if (layer.kind === 'maxpool') {
          ops.push(
            be.op('maxPoolBackward', {
              dy,
              idx: idxOf[i]!,
              dx: grads[i],
              ...poolShape(layer, batch),
            }),
          );
        } else if (layer.kind === 'batchnorm') {
          const norm = normOf[i]!;
          const rows = batch * layer.shape.height * layer.shape.width;
          const channels = layer.shape.channels;
          const common = { x: acts[i], dy, stats: norm.stats, rows, channels };
          ops.push(be.op('bnGradParams', { ...common, dgb: norm.dgb }));
          if (i > 0)
            ops.push(be.op('bnGradInput', { ...common, gb: norm.gb, dgb: norm.dgb, dx: grads[i] }));
        } else if (layer.kind === 'relu') {
          ops.push(
            be.op('reluBackward', { y: acts[i + 1], dy, dx: grads[i], n: batch * widths[i] }),
          );
        }
      }
      const hyper = {
        lr: this.config.lr,
        momentum: this.config.momentum,
        wd: this.config.wd,
        nesterov: this.config.nesterov,
      };
      for (const param of this.params) {
        const sp = param.sparse;
        const dims = { inF: param.spec.inFeatures, outF: param.spec.outFeatures };
        if (!sp) {
          ops.push(
            be.op('sgdUpdate', {
              w: param.w!,
              g: param.dw,
              v: param.vw,
              mask: param.mask,
              n: param.dw.length,
              ...hyper,
            }),
          );
        } else {
          if (sp.denseState)
            ops.push(
              be.op('momentumUpdate', {
                v: param.vw,
                g: param.dw,
                n: param.dw.length,
                momentum: hyper.momentum,
              }),
            );
          ops.push(
            be.op('sparseSgdUpdate', {
              w: sp.t,
              g: param.dw,
              v: param.vw,
              denseState: sp.denseState,
              ...dims,
              ...hyper,
            }),
          );
        }
        ops.push(
          be.op('sgdUpdate', {
            w: param.b,
            g: param.db,
            v: param.vb,
            mask: null,
            n: param.b.length,
            ...hyper,
          }),
        );
      }
      for (const norm of this.norms) {
        const len = norm.gb.length;
        ops.push(
          be.op('sgdUpdate', {
            w: norm.gb,
            g: norm.dgb,
            v: norm.vgb,
            mask: null,
            n: len,
            ...hyper,
          }),
        );
      }
    }
    const inputs = this.layers.flatMap((l, i) =>
      (l.kind === 'linear' || l.kind === 'conv') && i > 0
        ? [{ name: l.name, tensor: acts[i] }]
        : [],
    );
    const plan = { batch, ops, inputs, owned, tuners };
    cache.set(cacheKey, plan);
    return plan;
  }

  private startEpoch(): void {
    const order = new Uint32Array(this.train.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    this.rng.shuffle(order);
    this.dev.write(this.trainData.order, order);
    if (this.aug) {
      // Random crop (4-pixel zero padding) and horizontal flip, drawn per sample per epoch.
      const words = new Uint32Array(this.train.count);
      for (let i = 0; i < words.length; i++)
        words[i] = packAug(this.rng.int(9) - 4, this.rng.int(9) - 4, this.rng.next() < 0.5);
      this.dev.write(this.aug, words);
    }
    this.dev.write(this.trainAccum, new Float32Array(ACCUM_LENGTH));
    this.stepInEpoch = 0;
    this.epochStart = performance.now();
    this.windowStart = this.epochStart;
    this.windowSamples = 0;
  }

  /**
   * One training step, queued on the device without waiting. Every READ_EVERY steps the
   * running loss is read back; at the end of an epoch it evaluates and updates the masks.
   */
  async step(): Promise<void> {
    if (this.finished) return;
    if (this.epochPending) {
      if (this.keepCheckpoints && this.checkpoint?.epoch !== this.epoch)
        this.checkpoint = await this.captureCheckpoint();
      this.startEpoch();
      this.epochPending = false;
    }
    const offset = this.stepInEpoch * this.config.batch;
    const batch = Math.min(this.config.batch, this.train.count - offset);
    this.dev.write(this.cursor, Uint32Array.of(offset));
    // Gradient growth needs the dense gradient of the step before its update only.
    const denseGrad =
      this.sparsity.growth === 'gradient' &&
      isUpdateStep(this.sparsity, this.globalStep + 1, this.stepsPerEpoch, this.totalSteps);
    this.lastPlan = await this.tunedPlan(batch, denseGrad);
    this.dev.run(this.lastPlan.ops);
    this.stepInEpoch++;
    this.windowSamples += batch;
    const endOfEpoch = this.stepInEpoch === this.stepsPerEpoch;
    const accum =
      this.stepInEpoch % READ_EVERY === 0 || endOfEpoch ? await this.reportProgress() : null;
    if (endOfEpoch) await this.endEpoch(accum!);
    else if (this.updateDue()) await this.updateMasks(await this.readLayers());
  }

  /**
   * The training plan, its matmuls autotuned on first use: the tuners run once, then the plan
   * is rebuilt with the winners (later rebuilds find every shape tuned already).
   */
  private async tunedPlan(batch: number, denseGrad: boolean): Promise<Plan> {
    const plan = this.plan(batch, true, denseGrad);
    if (plan.tuners.length === 0) return plan;
    for (const tune of plan.tuners) await tune();
    this.dropPlans();
    const tunedPlan = this.plan(batch, true, denseGrad);
    tunedPlan.tuners = [];
    return tunedPlan;
  }

  /** Reads the running metrics, reports them, and returns them (the epoch sums stay). */
  private async reportProgress(): Promise<Float32Array> {
    const accum = (await this.dev.read(this.trainAccum)) as Float32Array;
    if (!Number.isFinite(accum[3]))
      throw new DivergedError(this.globalStep, this.epoch + 1, this.config.lr);
    this.dev.write(this.trainAccum, new Float32Array(2), 3);
    const now = performance.now();
    const seconds = (now - this.windowStart) / 1000;
    this.events.progress?.({
      epoch: this.epoch,
      step: this.stepInEpoch,
      stepsPerEpoch: this.stepsPerEpoch,
      globalStep: this.globalStep,
      totalSteps: this.totalSteps,
      trainLoss: accum[4] > 0 ? accum[3] / accum[4] : NaN,
      samplesPerSec: seconds > 0 ? this.windowSamples / seconds : 0,
    });
    this.windowStart = now;
    this.windowSamples = 0;
    return accum;
  }

  /** The ops of the last training step, in order (the benchmark times each one). */
  get stepOps(): readonly Op[] {
    return this.lastPlan?.ops ?? [];
  }

  /** Waits until every queued step has run (for timing). */
  async sync(): Promise<void> {
    await this.dev.read(this.cursor);
  }

  /** Test-set loss and accuracy with the current weights. */
  async evaluate(): Promise<{ loss: number; acc: number }> {
    this.dev.write(this.evalAccum, new Float32Array(ACCUM_LENGTH));
    for (let offset = 0; offset < this.test.count; offset += this.evalBatch) {
      const batch = Math.min(this.evalBatch, this.test.count - offset);
      this.dev.write(this.cursor, Uint32Array.of(offset));
      this.dev.run(this.plan(batch, false).ops);
    }
    const a = (await this.dev.read(this.evalAccum)) as Float32Array;
    return { loss: a[0] / a[2], acc: a[1] / a[2] };
  }

  private updateDue(): boolean {
    return isUpdateStep(this.sparsity, this.globalStep, this.stepsPerEpoch, this.totalSteps);
  }

  /**
   * Weights, momentum and masks of every layer, plus the dense gradient of this step when the
   * growth mode needs it: the only readback of the parameters, at mask updates and epoch ends.
   */
  private readLayers(): Promise<UpdateLayer[]> {
    const gradient = this.sparsity.growth === 'gradient' && this.updateDue();
    return Promise.all(this.params.map((p) => this.readLayer(p, gradient)));
  }

  private async readLayer(p: Param, gradient: boolean): Promise<UpdateLayer> {
    const { w, v } = await this.readDense(p);
    const g = p.sparse ? p.denseGrad : p.dw;
    return {
      name: p.spec.name,
      weights: w,
      momentum: v,
      gradient: gradient && g ? ((await this.dev.read(g)) as Float32Array) : null,
      grid: p.grid,
      unitMask: p.unitMask ?? new Uint8Array(p.grid.units).fill(1),
    };
  }

  /** One mask update on the CPU from the layers just read; the new masks go back to the device. */
  private async updateMasks(states: UpdateLayer[]): Promise<void> {
    const s = this.sparsity;
    const rate = pruneRateAt(s.schedule, this.globalStep, this.totalSteps, this.config.prune_rate);
    const update = maskUpdate(states, {
      rate,
      prune: s.prune,
      growth: s.growth,
      redist: s.redist,
      rng: this.rng,
    });
    const before = this.params.map((p) => (p.unitMask ? expandMask(p.unitMask, p.grid) : null));
    this.params.forEach((p, i) =>
      this.writeState(p, update.weights[i], states[i].momentum, update.unitMasks[i]),
    );
    if (this.events.masks) this.events.masks(this.maskView(before));
    this.lastRate = rate;
    this.events.maskUpdate?.({
      epoch: this.epoch + 1,
      globalStep: this.globalStep,
      pruneRate: rate,
      layers: update.layers.map((l, i) => ({
        ...l,
        emptyChannels: emptyChannels(this.params[i].spec, update.masks[i]),
      })),
    });
  }

  private lastRate: number | null = null;
  private lastPlan: Plan | null = null;

  /**
   * Fraction of exact zeros in each weight layer's input for the last training batch: after
   * ReLU (and pooling) many activations are 0, a second sparsity a kernel could skip.
   */
  private async inputSparsity(): Promise<{ name: string; zeros: number }[]> {
    if (!this.lastPlan) return [];
    return Promise.all(
      this.lastPlan.inputs.map(async ({ name, tensor }) => {
        const values = await this.dev.read(tensor);
        let zeros = 0;
        for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
        return { name, zeros: zeros / values.length };
      }),
    );
  }

  private async endEpoch(accum: Float32Array): Promise<void> {
    const trainSeconds = (performance.now() - this.epochStart) / 1000;
    const inputZeros = await this.inputSparsity();
    const { loss: testLoss, acc: testAcc } = await this.evaluate();
    const states = await this.readLayers();
    const meanMomentum = states.map((st) =>
      meanActiveMagnitude(st.momentum, expandMask(st.unitMask, st.grid)),
    );
    const shares = normalizeShares(meanMomentum);
    if (this.updateDue()) await this.updateMasks(states);
    const kernels = this.layerKernels();
    const layers: LayerSnapshot[] = this.params.map((p, i) => {
      const size = p.spec.inFeatures * p.spec.outFeatures;
      const active = p.unitMask ? activeWeights(p.unitMask, p.grid) : size;
      return {
        name: p.spec.name,
        size,
        active,
        density: active / size,
        meanMomentum: meanMomentum[i],
        momentumShare: shares[i],
        emptyChannels: emptyChannels(p.spec, p.unitMask ? expandMask(p.unitMask, p.grid) : null),
        kernel: kernels[i].kernel,
      };
    });
    const totalActive = layers.reduce((n, l) => n + l.active, 0);
    const totalSize = layers.reduce((n, l) => n + l.size, 0);
    const metrics: EpochMetrics = {
      epoch: this.epoch + 1,
      testAcc,
      testLoss,
      trainAcc: accum[1] / accum[2],
      trainLoss: accum[0] / accum[2],
      density: totalActive / totalSize,
      layers,
      inputZeros,
      pruneRate: this.lastRate,
      seconds: trainSeconds,
      samplesPerSec: this.train.count / trainSeconds,
    };
    this.lastRate = null;
    this.epoch++;
    this.events.epoch?.(metrics);
    this.epochPending = true;
    this.stepInEpoch = 0;
  }

  /** Active weights per layer right now (initial densities before the first update). */
  layerSummary(): {
    name: string;
    size: number;
    active: number;
    macsPerSample: number;
    kernel: LayerKernel;
  }[] {
    const kernels = this.layerKernels();
    return this.params.map((p, i) => {
      const size = p.spec.inFeatures * p.spec.outFeatures;
      return {
        name: p.spec.name,
        size,
        active: p.unitMask ? activeWeights(p.unitMask, p.grid) : size,
        // A conv layer applies its weights at every output position.
        macsPerSample:
          size * (p.spec.kind === 'conv' ? p.spec.outShape.height * p.spec.outShape.width : 1),
        kernel: kernels[i].kernel,
      };
    });
  }

  /** The masks now, marking changes against `before` (the masks before an update). */
  maskView(before: (Uint8Array | null)[] = []): MaskView {
    return {
      globalStep: this.globalStep,
      layers: this.params.map((p, i) => {
        const now = p.unitMask ? expandMask(p.unitMask, p.grid) : null;
        const prev = before[i] ?? now;
        const state = new Uint8Array(p.spec.inFeatures * p.spec.outFeatures);
        for (let j = 0; j < state.length; j++) {
          const a = now ? now[j] : 1;
          const b = prev ? prev[j] : 1;
          state[j] = a && b ? MASK_ACTIVE : a ? MASK_REGROWN : b ? MASK_PRUNED : MASK_ABSENT;
        }
        return {
          name: p.spec.name,
          rows: p.spec.outFeatures,
          cols: p.spec.inFeatures,
          kernel: p.spec.kind === 'conv' ? p.spec.kernel : 0,
          inChannels: p.spec.kind === 'conv' ? p.spec.inShape.channels : 0,
          state,
        };
      }),
    };
  }

  /** Current weights, masks and momentum of every linear layer (for tests and views). */
  async snapshot(): Promise<
    { name: string; weights: Float32Array; momentum: Float32Array; mask: Uint8Array | null }[]
  > {
    return Promise.all(
      this.params.map(async (p) => {
        const { w, v } = await this.readDense(p);
        return {
          name: p.spec.name,
          weights: w,
          momentum: v,
          mask: p.unitMask ? expandMask(p.unitMask, p.grid) : null,
        };
      }),
    );
  }
}
