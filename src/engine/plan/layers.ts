import type { BlockGrid } from '../../sparse/blocks';
import type { ConvShape, DType, KernelName, PoolShape } from '../backend';
import { size, type ConvSpec, type LayerSpec, type MaxPoolSpec, type WeightSpec } from '../model';
import { implicitConv, sparseConvBackward, sparseConvForward } from './sparseConv';
import { paramName, sparseRef, type LayerStorage } from './state';
import { planOp, type PlanArgs, type PlannedOp, type TensorRole, type TensorSpecs } from './types';

/**
 * The forward and backward ops of every layer kind, one builder each: the table's type makes
 * the checker prove every kind of `LayerSpec` has one.
 */

/** A weight layer as a step sees it: its shape, tile grid and current storage. */
export interface WeightLayer {
  spec: WeightSpec;
  grid: BlockGrid;
  storage: LayerStorage;
}

/** What a step plan is being built from, and where its tensors and ops go. */
export class StepBuilder {
  readonly tensors: TensorSpecs = {};
  readonly ops: PlannedOp[] = [];
  /**
   * CSR layers read activations and output gradients transposed (one feature over the batch
   * contiguous), made by a transpose op: each such layer's transposed input, by layer name.
   */
  readonly transposed = new Map<string, string>();

  constructor(
    readonly batch: number,
    readonly training: boolean,
    /** Adds the dense weight gradient of sparse layers (gradient growth, at its updates). */
    readonly denseGrad: boolean,
    private readonly weights: Map<string, WeightLayer>,
    /** The model's first layer: it computes no input gradient. */
    readonly firstLayer: string,
  ) {}

  /** Declares a tensor the step owns; returns its name. */
  tensor(name: string, dtype: DType, length: number, role: TensorRole): string {
    this.tensors[name] = { dtype, length, role };
    return name;
  }

  op<K extends KernelName>(kernel: K, args: PlanArgs<K>, tune = false): void {
    this.ops.push(planOp(kernel, args, tune));
  }

  weight(name: string): WeightLayer {
    const w = this.weights.get(name);
    if (!w) throw new Error(`no weight layer ${name}`);
    return w;
  }
}

/** The activations around one layer in the backward pass. */
export interface LayerIO {
  /** Input activation and its per-sample width. */
  x: string;
  width: number;
  y: string;
  /** Gradient of the output, and of the input (which the first layer never writes). */
  dy: string;
  dx: string;
  first: boolean;
}

interface LayerBuilder<S extends LayerSpec> {
  /** Adds the forward ops on input `x` (per-sample `width`); returns the output and its width. */
  forward(b: StepBuilder, layer: S, x: string, width: number): { y: string; width: number };
  backward(b: StepBuilder, layer: S, io: LayerIO): void;
}

/** PyTorch's BatchNorm defaults. */
export const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

/** The geometry of a window sliding over NHWC activations (a pooling or a convolution). */
function windowShape(l: ConvSpec | MaxPoolSpec, batch: number): PoolShape {
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

const convShape = (l: ConvSpec, batch: number): ConvShape => ({
  ...windowShape(l, batch),
  pad: l.pad,
});
const poolShape = windowShape;

/** Whether a layer runs the transposed CSR kernels on `rows` rows (they take rows in fours). */
const csrTransposed = (w: WeightLayer, rows: number) =>
  w.storage.kind === 'sparse' && w.grid.block === 1 && rows % 4 === 0;

/** Forward of a weight layer on `rows` rows of `inF` inputs, dense or sparse. */
function weightForward(b: StepBuilder, w: WeightLayer, x: string, y: string, rows: number): void {
  const name = w.spec.name;
  const dims = { batch: rows, inF: w.spec.inFeatures, outF: w.spec.outFeatures };
  const bias = paramName(name, 'b');
  if (w.storage.kind === 'dense') {
    b.op('linearForward', { x, w: paramName(name, 'w'), b: bias, y, ...dims }, true);
    return;
  }
  const sparse = sparseRef(name, w.grid, w.storage);
  if (!csrTransposed(w, rows)) {
    b.op('sparseForward', { x, w: sparse, b: bias, y, ...dims }, true);
    return;
  }
  const xt = b.tensor(`${name}.xT`, 'f32', rows * dims.inF, 'scratch');
  b.transposed.set(name, xt);
  b.op('transpose', { src: x, dst: xt, rows, cols: dims.inF });
  b.op('sparseForward', { x: xt, w: sparse, b: bias, y, transposed: true, ...dims });
}

/** Weight, bias and (when dx is given) input gradients of a weight layer. */
function weightBackward(
  b: StepBuilder,
  w: WeightLayer,
  dy: string,
  x: string,
  dx: string | null,
  rows: number,
): void {
  const name = w.spec.name;
  const dims = { batch: rows, inF: w.spec.inFeatures, outF: w.spec.outFeatures };
  const dw = paramName(name, 'dw');
  const s = w.storage;
  if (s.kind === 'dense') {
    b.op('linearGradWeight', { dy, x, dw, ...dims }, true);
    b.op('biasGrad', { dy, db: paramName(name, 'db'), batch: rows, outF: dims.outF });
    if (dx) b.op('linearGradInput', { dy, w: paramName(name, 'w'), dx, ...dims }, true);
    return;
  }
  const sparse = sparseRef(name, w.grid, w.storage);
  const xt = b.transposed.get(name);
  const dyt = xt ? b.tensor(`${name}.dyT`, 'f32', rows * dims.outF, 'scratch') : null;
  if (dyt) b.op('transpose', { src: dy, dst: dyt, rows, cols: dims.outF });
  if (s.denseState) b.op('linearGradWeight', { dy, x, dw, ...dims }, true);
  else if (xt && dyt)
    b.op('sparseGradWeight', { dy: dyt, x: xt, w: sparse, dw, transposed: true, ...dims });
  else b.op('sparseGradWeight', { dy, x, w: sparse, dw, ...dims });
  if (b.denseGrad && s.denseGrad)
    b.op('linearGradWeight', { dy, x, dw: paramName(name, 'denseGrad'), ...dims }, true);
  b.op('biasGrad', { dy, db: paramName(name, 'db'), batch: rows, outF: dims.outF });
  if (dx && dyt) b.op('sparseGradInput', { dy: dyt, w: sparse, dx, transposed: true, ...dims });
  else if (dx) b.op('sparseGradInput', { dy, w: sparse, dx, ...dims }, true);
}

export const LAYER_BUILDERS: {
  [K in LayerSpec['kind']]: LayerBuilder<Extract<LayerSpec, { kind: K }>>;
} = {
  linear: {
    forward(b, l, x) {
      const y = b.tensor(`${l.name}.y`, 'f32', b.batch * l.outFeatures, 'activation');
      weightForward(b, b.weight(l.name), x, y, b.batch);
      return { y, width: l.outFeatures };
    },
    backward(b, l, io) {
      weightBackward(b, b.weight(l.name), io.dy, io.x, io.first ? null : io.dx, b.batch);
    },
  },
  conv: {
    forward(b, l, x) {
      const rows = b.batch * l.outShape.height * l.outShape.width;
      const width = size(l.outShape);
      if (implicitConv(b, l)) {
        const y = b.tensor(`${l.name}.y`, 'f32', b.batch * width, 'activation');
        sparseConvForward(b, l, convShape(l, b.batch), x, y);
        return { y, width };
      }
      const cols = b.tensor(`${l.name}.cols`, 'f32', rows * l.inFeatures, 'scratch');
      const y = b.tensor(`${l.name}.y`, 'f32', b.batch * width, 'activation');
      b.op('im2col', { x, cols, ...convShape(l, b.batch) });
      weightForward(b, b.weight(l.name), cols, y, rows);
      return { y, width };
    },
    backward(b, l, io) {
      if (implicitConv(b, l)) return sparseConvBackward(b, l, convShape(l, b.batch), io);
      const cols = `${l.name}.cols`;
      const rows = b.batch * l.outShape.height * l.outShape.width;
      // The patches are no longer needed after the weight gradient: their buffer takes the
      // patch gradient.
      weightBackward(b, b.weight(l.name), io.dy, cols, io.first ? null : cols, rows);
      if (!io.first) b.op('col2im', { dcols: cols, dx: io.dx, ...convShape(l, b.batch) });
    },
  },
  maxpool: {
    forward(b, l, x) {
      const width = size(l.outShape);
      const y = b.tensor(`${l.name}.y`, 'f32', b.batch * width, 'activation');
      const idx = b.tensor(`${l.name}.argmax`, 'u32', b.batch * width, 'scratch');
      b.op('maxPoolForward', { x, y, idx, ...poolShape(l, b.batch) });
      return { y, width };
    },
    backward(b, l, io) {
      const idx = `${l.name}.argmax`;
      b.op('maxPoolBackward', { dy: io.dy, idx, dx: io.dx, ...poolShape(l, b.batch) });
    },
  },
  batchnorm: {
    forward(b, l, x, width) {
      const rows = b.batch * l.shape.height * l.shape.width;
      const channels = l.shape.channels;
      const stats = paramName(l.name, 'stats');
      const y = b.tensor(`${l.name}.y`, 'f32', b.batch * width, 'activation');
      b.op('bnStats', {
        x,
        stats,
        running: paramName(l.name, 'running'),
        rows,
        channels,
        eps: BN_EPS,
        momentum: BN_MOMENTUM,
        training: b.training,
      });
      b.op('bnForward', { x, stats, gb: paramName(l.name, 'gb'), y, rows, channels });
      return { y, width };
    },
    backward(b, l, io) {
      const rows = b.batch * l.shape.height * l.shape.width;
      const channels = l.shape.channels;
      const common = { x: io.x, dy: io.dy, stats: paramName(l.name, 'stats'), rows, channels };
      const dgb = paramName(l.name, 'dgb');
      b.op('bnGradParams', { ...common, dgb });
      if (!io.first)
        b.op('bnGradInput', { ...common, gb: paramName(l.name, 'gb'), dgb, dx: io.dx });
    },
  },
  relu: {
    forward(b, l, x, width) {
      const y = b.tensor(`${l.name}.y`, 'f32', b.batch * width, 'activation');
      b.op('reluForward', { x, y, n: b.batch * width });
      return { y, width };
    },
    backward(b, _l, io) {
      b.op('reluBackward', { y: io.y, dy: io.dy, dx: io.dx, n: b.batch * io.width });
    },
  },
  // NHWC activations are already flat: the same tensor passes through, and its gradient.
  flatten: {
    forward: (_b, _l, x, width) => ({ y: x, width }),
    backward() {},
  },
};

/** The builder of a layer's kind (the table is exhaustive, so this cannot miss). */
export function builderOf<S extends LayerSpec>(layer: S): LayerBuilder<S> {
  return LAYER_BUILDERS[layer.kind] as unknown as LayerBuilder<S>;
}
