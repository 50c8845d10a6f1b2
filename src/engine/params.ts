import { activeWeights, blockGrid, expandMask, type BlockGrid } from '../sparse/blocks';
import {
  buildSparseFormat,
  compactValues,
  expandValues,
  sparseBytes,
  valuesLength,
  type SparseFormat,
} from '../sparse/format';
import { drawFanInMask, fanInCounts } from '../sparse/fanin';
import { buildNmFormat, drawNmMask, nmBound, nmSlots } from '../sparse/nm';
import { initialCounts } from '../sparse/init';
import type { SparseSettings } from '../sparse/methods';
import { joinMomentum, windowed } from '../sparse/window';
import type { TrainingConfig } from '../config/training';
import type { Backend, Tensor } from './backend';
import { initLinear } from './init';
import { layerKernel, type LayerKernel } from './kernelPolicy';
import { weightLayers, type BatchNormSpec, type LayerSpec, type WeightSpec } from './model';
import {
  allocate,
  biasTensors,
  normTensors,
  paramName,
  sparseCapacity,
  weightTensors,
  type LayerStorage,
  type ParamPart,
  type WeightLayer,
} from './plan';
import { Rng } from './rng';

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
  const counts = initialCounts(shapes, sparsity.density, sparsity.init);
  if (sparsity.structure !== 'fanin') return counts;
  return fanInCounts(
    counts,
    linears.map((l) => ({ rows: l.outFeatures, cols: l.inFeatures })),
  );
}

/**
 * A layer's initial mask of about `count` weights: random single weights, or tiles in a random
 * order taken while they fit the count (at least one, so that no layer starts cut off): within
 * one tile of the target. Constant fan-in draws count / rows inputs in every row; N:M draws
 * exactly `count` with at most N in every group.
 */
function drawUnitMask(
  grid: BlockGrid,
  count: number,
  rng: Rng,
  sparsity: Pick<SparseSettings, 'structure' | 'nmGroup'>,
): Uint8Array {
  if (sparsity.structure === 'fanin') return drawFanInMask(grid, count, rng);
  if (sparsity.structure === 'nm') return drawNmMask(grid, count, sparsity.nmGroup, rng);
  const unitMask = new Uint8Array(grid.units);
  if (grid.block === 1) {
    for (const u of rng.sample(grid.units, count)) unitMask[u] = 1;
    return unitMask;
  }
  let used = 0;
  for (const u of rng.sample(grid.units, grid.units)) {
    if (used === 0 || used + grid.unitSize[u] <= count) {
      unitMask[u] = 1;
      used += grid.unitSize[u];
    }
  }
  return unitMask;
}

/** A weight layer's layout before training: its grid, kernel and stored tiles. */
export interface InitialLayout {
  spec: WeightSpec;
  grid: BlockGrid;
  kernel: LayerKernel;
  /** Tiles of the initial mask, or null when the run is dense. */
  nnzBlocks: number | null;
}

/**
 * Each weight layer's initial kernel and tile count, exactly as a Trainer with this seed starts
 * (for the memory estimate, before anything is allocated). Single-weight masks hold exactly
 * the initial count; tile masks depend on the draw, so the seeded stream is replayed past the
 * weight init (`initLinear` draws once per weight and bias) to draw them; the byte-exact
 * memory test of a block-CSR VGG fails if the two drift apart.
 */
export function initialLayout(
  layers: LayerSpec[],
  sparsity: SparseSettings,
  config: Pick<TrainingConfig, 'kernels' | 'seed'>,
): InitialLayout[] {
  const linears = weightLayers(layers);
  const counts = initialLayerCounts(layers, sparsity);
  const sparse = sparsity.density < 1;
  let rng: Rng | null = null;
  if (sparse && sparsity.block > 1) {
    rng = new Rng(config.seed);
    for (const l of linears)
      for (let i = 0; i < (l.inFeatures + 1) * l.outFeatures; i++) rng.next();
  }
  return linears.map((spec, i) => {
    const grid = blockGrid(spec.outFeatures, spec.inFeatures, sparsity.block);
    if (!sparse) return { spec, grid, kernel: 'dense', nnzBlocks: null };
    const mask = rng ? drawUnitMask(grid, counts[i], rng, sparsity) : null;
    const active = mask ? activeWeights(mask, grid) : counts[i];
    let nnzBlocks = mask ? mask.reduce((n, m) => n + m, 0) : counts[i];
    if (sparsity.structure === 'nm') {
      // N:M stores N slots per group (padding included): the initial mask fills its bound.
      const { outFeatures: r, inFeatures: c } = spec;
      nnzBlocks = nmSlots(r, c, sparsity.nmGroup, nmBound(counts[i], r, c, sparsity.nmGroup));
    }
    return {
      spec,
      grid,
      kernel: layerKernel(config.kernels, spec, grid, active, sparsity.structure),
      nnzBlocks,
    };
  });
}

/**
 * The storage a layer's kernel calls for, keeping `prev` while it still fits (dense stays
 * dense; sparse buffers with room for the tiles are reused, under a new fan-in when it
 * changed). `nnzBlocks` is the mask's tile count, null when the run is dense (no mask).
 */
export function storageFor(
  kernel: LayerKernel,
  grid: BlockGrid,
  nnzBlocks: number | null,
  sparsity: Pick<SparseSettings, 'growth' | 'dynamic' | 'momentumWindow'>,
  prev: LayerStorage | null,
  fanIn: number | null = null,
  padded = false,
): LayerStorage {
  // Only a mask that changes ever reads the momentum or gradient of a missing weight.
  const { growth, dynamic } = sparsity;
  if (kernel === 'dense')
    return prev?.kind === 'dense' ? prev : { kind: 'dense', masked: nnzBlocks !== null };
  const ell = fanIn === null ? {} : padded ? { fanIn, padded } : { fanIn };
  if (prev?.kind === 'sparse' && prev.capacity >= nnzBlocks!)
    return prev.fanIn === (fanIn ?? undefined) ? prev : { ...prev, ...ell };
  const missing = windowed(sparsity);
  return {
    kind: 'sparse',
    // N:M's padded slots can outnumber the weights (short last groups): room for them all.
    capacity: sparseCapacity(nnzBlocks!, padded ? Math.max(grid.units, nnzBlocks!) : grid.units),
    denseState: dynamic && growth === 'momentum' && !missing,
    denseGrad: dynamic && (growth === 'gradient' || missing),
    missing,
    ...ell,
  };
}

/** Whether two storages allocate the same tensors (a new fan-in alone keeps the buffers). */
function sameBuffers(a: LayerStorage, b: LayerStorage): boolean {
  if (a.kind === 'dense' || b.kind === 'dense') return a === b;
  return a.capacity === b.capacity && a.denseState === b.denseState && a.denseGrad === b.denseGrad;
}

/** A weight layer's parameters: its mask on the CPU, its storage on the device. */
export interface Param extends WeightLayer {
  /** Active tiles (single weights when block = 1); null when training dense. */
  unitMask: Uint8Array | null;
  /** The block-CSR indices of the mask, when the storage is sparse. */
  format: SparseFormat | null;
}

/**
 * Every trained value of a run on the device: weight layers in dense or block-CSR storage
 * (chosen per layer by the kernel policy and rebuilt at mask updates) and BatchNorm state.
 * `tensors` names them all for the step plans.
 */
export class ParamStore {
  readonly params: Param[] = [];
  readonly norms: BatchNormSpec[];
  /** Every tensor the store holds, by name (bound into every step plan). */
  readonly tensors = new Map<string, Tensor>();

  /** Init order is fixed (layer by layer: weight, bias; then masks) so seeds reproduce. */
  constructor(
    private readonly dev: Backend,
    layers: LayerSpec[],
    private readonly sparsity: SparseSettings,
    private readonly kernels: TrainingConfig['kernels'],
    rng: Rng,
  ) {
    const linears = weightLayers(layers);
    // PyTorch's Conv2d default init is the Linear one with fan-in = k·k·in channels.
    const inits = linears.map((l) => initLinear(l.inFeatures, l.outFeatures, rng));
    const sparse = sparsity.density < 1;
    const counts = initialLayerCounts(layers, sparsity);
    linears.forEach((spec, i) => {
      const n = spec.inFeatures * spec.outFeatures;
      const { weight, bias } = inits[i];
      const grid = blockGrid(spec.outFeatures, spec.inFeatures, sparsity.block);
      const unitMask = sparse ? drawUnitMask(grid, counts[i], rng, sparsity) : null;
      if (unitMask) {
        const elementMask = expandMask(unitMask, grid);
        for (let j = 0; j < n; j++) if (!elementMask[j]) weight[j] = 0;
      }
      for (const [name, t] of allocate(dev, biasTensors(spec))) this.tensors.set(name, t);
      const { storage, format } = this.layout(spec, grid, unitMask, null);
      const p: Param = { spec, grid, storage, unitMask, format };
      this.place(p);
      this.upload(p, weight, new Float32Array(n));
      dev.write(this.tensor(p, 'b'), bias);
      this.params.push(p);
    });
    this.norms = layers.filter((l): l is BatchNormSpec => l.kind === 'batchnorm');
    for (const spec of this.norms) {
      const c = spec.shape.channels;
      for (const [name, t] of allocate(dev, normTensors(spec))) this.tensors.set(name, t);
      // gamma = 1, beta = 0; running mean 0, running variance 1 (PyTorch's defaults).
      const ones = new Float32Array(2 * c);
      ones.fill(1, 0, c);
      dev.write(this.norm(spec, 'gb'), ones);
      const running = new Float32Array(2 * c);
      running.fill(1, c);
      dev.write(this.norm(spec, 'running'), running);
    }
  }

  tensor(p: Param, part: ParamPart): Tensor {
    return this.tensors.get(paramName(p.spec.name, part))!;
  }

  norm(spec: BatchNormSpec, part: ParamPart): Tensor {
    return this.tensors.get(paramName(spec.name, part))!;
  }

  /** The storage and block-CSR indices a mask calls for, keeping `prev` while it fits. */
  private layout(
    spec: WeightSpec,
    grid: BlockGrid,
    unitMask: Uint8Array | null,
    prev: LayerStorage | null,
  ): { storage: LayerStorage; format: SparseFormat | null } {
    const active = unitMask ? activeWeights(unitMask, grid) : null;
    const kernel = layerKernel(this.kernels, spec, grid, active, this.sparsity.structure);
    const format =
      kernel === 'dense'
        ? null
        : kernel === 'nm'
          ? buildNmFormat(unitMask!, grid, this.sparsity.nmGroup)
          : buildSparseFormat(unitMask!, grid, kernel === 'ell');
    const tiles = unitMask ? (format?.nnzBlocks ?? unitMask.reduce((n, m) => n + m, 0)) : null;
    const storage = storageFor(
      kernel,
      grid,
      tiles,
      this.sparsity,
      prev,
      format?.fanIn ?? null,
      format?.nm !== undefined,
    );
    return { storage, format };
  }

  /** Allocates the tensors of a layer's storage. */
  private place(p: Param): void {
    for (const [name, t] of allocate(this.dev, weightTensors(p.spec, p.grid, p.storage)))
      this.tensors.set(name, t);
  }

  /**
   * Puts a layer's dense weights, momentum and mask on the device in the storage its kernel
   * calls for (dense, or block-CSR rebuilt from the mask), reusing buffers that still fit.
   * Returns whether buffers (or the fan-in the ELL ops carry) changed: step plans bind the old
   * ones and must be rebuilt.
   */
  write(
    p: Param,
    weights: Float32Array,
    momentum: Float32Array,
    unitMask: Uint8Array | null,
  ): boolean {
    const { storage, format } = this.layout(p.spec, p.grid, unitMask, p.storage);
    const changed = storage !== p.storage;
    if (changed && !sameBuffers(storage, p.storage)) {
      const stale = Object.keys(weightTensors(p.spec, p.grid, p.storage));
      this.dev.release(stale.map((name) => this.tensors.get(name)!));
      for (const name of stale) this.tensors.delete(name);
      p.storage = storage;
      this.place(p);
    }
    p.storage = storage;
    p.unitMask = unitMask;
    p.format = format;
    this.upload(p, weights, momentum);
    return changed;
  }

  /** Writes a layer's weights, momentum and mask (or block-CSR indices) into its storage. */
  private upload(p: Param, weights: Float32Array, momentum: Float32Array): void {
    const be = this.dev;
    const t = (part: ParamPart) => this.tensor(p, part);
    const { format, unitMask, storage } = p;
    if (storage.kind === 'dense') {
      if (unitMask) be.write(t('mask'), Float32Array.from(expandMask(unitMask, p.grid)));
      be.write(t('w'), weights);
      be.write(t('vw'), momentum);
    } else {
      const f = format!;
      be.write(t('values'), compactValues(weights, f, p.grid));
      be.write(t('rowPtr'), f.rowPtr);
      be.write(t('colIdx'), f.colIdx);
      be.write(t('colPtr'), f.colPtr);
      be.write(t('tEntry'), f.tEntry);
      be.write(t('vw'), storage.denseState ? momentum : compactValues(momentum, f, p.grid));
      if (storage.missing) be.write(t('missing'), momentum);
    }
  }

  /**
   * Sets the missing weights' momentum to 0 (a momentum window starts: what it held is
   * older than the window, and at most μ^K of it would still count at the update).
   */
  clearMissingMomentum(): void {
    for (const p of this.params)
      if (p.storage.kind === 'sparse' && p.storage.missing) {
        const n = p.spec.inFeatures * p.spec.outFeatures;
        this.dev.write(this.tensor(p, 'missing'), new Float32Array(n));
      }
  }

  /**
   * A layer's weights and momentum as dense [out][in] arrays (missing weights 0; their momentum
   * 0 with stored-only state, as last tracked with a momentum window).
   */
  async readDense(p: Param): Promise<{ w: Float32Array; v: Float32Array }> {
    const read = async (part: ParamPart) =>
      (await this.dev.read(this.tensor(p, part))) as Float32Array;
    const f = p.format;
    if (!f || p.storage.kind === 'dense') return { w: await read('w'), v: await read('vw') };
    const values = await read('values');
    const v = await read('vw');
    const w = expandValues(values.subarray(0, valuesLength(f)), f, p.grid);
    if (p.storage.denseState) return { w, v };
    const stored = expandValues(v.subarray(0, valuesLength(f)), f, p.grid);
    if (!p.storage.missing) return { w, v: stored };
    const mask = expandMask(p.unitMask!, p.grid);
    return { w, v: joinMomentum(stored, await read('missing'), mask) };
  }

  /** The gradient gradient growth reads: the dense one of sparse layers, else dw. */
  denseGradient(p: Param): Tensor | null {
    if (p.storage.kind === 'dense') return this.tensor(p, 'dw');
    return p.storage.denseGrad ? this.tensor(p, 'denseGrad') : null;
  }

  /** Bytes of weight storage on the device: values and indices, or the dense matrix and mask. */
  weightBytes(): { dense: number; stored: number } {
    let dense = 0;
    let stored = 0;
    for (const p of this.params) {
      const n = p.spec.inFeatures * p.spec.outFeatures;
      dense += 4 * n;
      if (p.format) stored += sparseBytes(p.format);
      else stored += 4 * n * (p.storage.kind === 'dense' && p.storage.masked ? 2 : 1);
    }
    return { dense, stored };
  }

  /** Each weight layer's kernel now. */
  layerKernels(): { name: string; kernel: LayerKernel }[] {
    return this.params.map((p) => ({
      name: p.spec.name,
      kernel: !p.format
        ? 'dense'
        : p.format.nm
          ? 'nm'
          : p.format.fanIn !== null
            ? 'ell'
            : p.grid.block === 1
              ? 'csr'
              : `block${p.grid.block}`,
    }));
  }
}
