import type { KernelArgs, KernelName, SparseTensors, Tensor } from '../engine/backend';
import gatherBatch from '../../shaders/gather_batch.wgsl?raw';
import gatherBatchPacked from '../../shaders/gather_batch_packed.wgsl?raw';
import linearForward from '../../shaders/linear_forward.wgsl?raw';
import linearForwardVec4 from '../../shaders/linear_forward_vec4.wgsl?raw';
import linearGradInput from '../../shaders/linear_grad_input.wgsl?raw';
import linearGradInputVec4 from '../../shaders/linear_grad_input_vec4.wgsl?raw';
import linearGradWeight from '../../shaders/linear_grad_weight.wgsl?raw';
import linearGradWeightVec4 from '../../shaders/linear_grad_weight_vec4.wgsl?raw';
import biasGrad from '../../shaders/bias_grad.wgsl?raw';
import biasGradRows from '../../shaders/bias_grad_rows.wgsl?raw';
import biasGradRowsVec4 from '../../shaders/bias_grad_rows_vec4.wgsl?raw';
import reluForward from '../../shaders/relu_forward.wgsl?raw';
import reluBackward from '../../shaders/relu_backward.wgsl?raw';
import softmaxXent from '../../shaders/softmax_xent.wgsl?raw';
import softmaxXentMetrics from '../../shaders/softmax_xent_metrics.wgsl?raw';
import sgdUpdate from '../../shaders/sgd_update.wgsl?raw';
import batchMetrics from '../../shaders/batch_metrics.wgsl?raw';
import confusionCount from '../../shaders/confusion_count.wgsl?raw';
import bsrForward from '../../shaders/bsr_forward.wgsl?raw';
import bsrGradInput from '../../shaders/bsr_grad_input.wgsl?raw';
import bsrGradWeight from '../../shaders/bsr_grad_weight.wgsl?raw';
import csrForward from '../../shaders/csr_forward.wgsl?raw';
import csrGradInput from '../../shaders/csr_grad_input.wgsl?raw';
import csrGradWeight from '../../shaders/csr_grad_weight.wgsl?raw';
import sparseSgdUpdate from '../../shaders/sparse_sgd_update.wgsl?raw';
import momentumUpdate from '../../shaders/momentum_update.wgsl?raw';
import linearForward8 from '../../shaders/linear_forward_8x8.wgsl?raw';
import linearGradInput8 from '../../shaders/linear_grad_input_8x8.wgsl?raw';
import linearGradWeight8 from '../../shaders/linear_grad_weight_8x8.wgsl?raw';
import bsrForward8 from '../../shaders/bsr_forward_8x8.wgsl?raw';
import bsrGradInput8 from '../../shaders/bsr_grad_input_8x8.wgsl?raw';
import linearGradWeightSkip from '../../shaders/linear_grad_weight_skip.wgsl?raw';
import reluForwardVec4 from '../../shaders/relu_forward_vec4.wgsl?raw';
import reluBackwardVec4 from '../../shaders/relu_backward_vec4.wgsl?raw';
import momentumUpdateVec4 from '../../shaders/momentum_update_vec4.wgsl?raw';
import sgdUpdateVec4 from '../../shaders/sgd_update_vec4.wgsl?raw';
import transposeKernel from '../../shaders/transpose.wgsl?raw';
import transposeTile from '../../shaders/transpose_tile.wgsl?raw';
import csrForwardT from '../../shaders/csr_forward_t.wgsl?raw';
import csrGradInputT from '../../shaders/csr_grad_input_t.wgsl?raw';
import csrGradWeightT from '../../shaders/csr_grad_weight_t.wgsl?raw';
import ellForward from '../../shaders/ell_forward.wgsl?raw';
import ellForwardT from '../../shaders/ell_forward_t.wgsl?raw';
import ellGradInput from '../../shaders/ell_grad_input.wgsl?raw';
import ellGradInputT from '../../shaders/ell_grad_input_t.wgsl?raw';
import ellGradWeight from '../../shaders/ell_grad_weight.wgsl?raw';
import ellGradWeightT from '../../shaders/ell_grad_weight_t.wgsl?raw';
import nmForward from '../../shaders/nm_forward.wgsl?raw';
import nmForwardT from '../../shaders/nm_forward_t.wgsl?raw';
import nmGradWeight from '../../shaders/nm_grad_weight.wgsl?raw';
import nmGradWeightT from '../../shaders/nm_grad_weight_t.wgsl?raw';
import { POOL_NORM_KERNELS } from './poolNormKernels';
import {
  BIAS_GRAD_PARAMS,
  GATHER_PARAMS,
  MOMENTUM_PARAMS,
  SGD_PARAMS,
  SPARSE_SGD_PARAMS,
  TRANSPOSE_PARAMS,
} from './wgsl/layouts';
import { classesParams, countParams, denseParams, params, sparseParams } from './wgsl/params';
import type { UniformBlock, UniformLayout } from './wgsl/uniforms';
import { CONV_KERNELS } from './convKernels';
import { PATCH_KERNELS } from './patchKernels';
import { dispatch1d, type Workgroups } from './dispatch';

export { packUniforms } from './wgsl/uniforms';

export { dispatch1d, type Workgroups } from './dispatch';

/**
 * What the GPU backend needs to run one WGSL kernel: its source, the pipeline-overridable
 * constants, the uniform values and storage tensors in binding order, and how many
 * workgroups to dispatch. `dispatch` is pure so it is unit-tested without a GPU.
 */
export interface KernelDescriptor<K extends KernelName> {
  /** WGSL source of each variant (one kernel a file); `variant` picks one for the arguments. */
  sources: Record<string, string>;
  variant(args: KernelArgs[K]): string;
  constants(args: KernelArgs[K]): Record<string, number>;
  /** The fields of the kernel's `struct Params` (generated shaders emit it from this). */
  params: UniformLayout;
  /** The uniform values by field name, for `packUniforms`. */
  uniforms(args: KernelArgs[K]): UniformBlock;
  /** Storage tensors for bindings 1..n (binding 0 is the uniform block). */
  buffers(args: KernelArgs[K]): (Tensor | null)[];
  dispatch(args: KernelArgs[K], constants: Record<string, number>, variant: string): Workgroups;
}

/** Workgroups for a 2-D grid where each invocation computes a tile x tile patch. */
export function dispatchTiles(
  cols: number,
  rows: number,
  wgX: number,
  wgY: number,
  tile = 4,
): Workgroups {
  return [Math.max(1, Math.ceil(cols / tile / wgX)), Math.max(1, Math.ceil(rows / tile / wgY)), 1];
}

/** Outputs per invocation along each axis: 8 for the `*8` variants, else 4. */
const tileOf = (variant: string) => (variant.endsWith('8') ? 8 : 4);

const WG = 64;

/**
 * Rows from which the bias gradient sums with a workgroup per output (a convolution's output
 * pixels): below, one invocation per output sums in plain order, as the CPU does.
 */
export const BIAS_ROWS = 2048;

function single(code: string) {
  return { sources: { main: code }, variant: () => 'main' };
}

/** Elementwise kernels: four elements per invocation when n % 4 == 0. */
function elementwise(scalar: string, vec4: string) {
  return {
    sources: { main: scalar, vec4 },
    variant: (a: { n: number }) => (a.n % 4 === 0 ? 'vec4' : 'main'),
  };
}

const perInvocation = (v: string) => (v === 'vec4' ? 4 : 1);

/** Rows of `inF` floats can be read as vec4 only when inF is a multiple of 4. */
export function vectorVariant(inF: number): 'vec4' | 'scalar' {
  return inF % 4 === 0 ? 'vec4' : 'scalar';
}
const TILE_WG = { WG_X: 8, WG_Y: 8 };

/** The gather reads whole u32 words (four pixels) when no augmentation moves pixels. */
export function packedGather(a: KernelArgs['gatherBatch']): boolean {
  return !a.aug && (a.height * a.width * a.channels) % 4 === 0;
}

/** Up to four per-channel values as a WGSL vec4f (unused lanes 1, so nothing divides by 0). */
export function channelVec4(values: number[]): number[] {
  if (values.length < 1 || values.length > 4) throw new Error('1 to 4 channels supported');
  return [0, 1, 2, 3].map((i) => values[i] ?? 1);
}

/**
 * Block-CSR kernels need tiles of a multiple of 4 and rows of a multiple of 4 floats (vec4
 * loads); single weights use the CSR kernels. Other shapes stay dense.
 */
export function sparseVariant(block: number, inF: number): 'csr' | 'bsr' | null {
  if (block === 1) return 'csr';
  return block % 4 === 0 && inF % 4 === 0 ? 'bsr' : null;
}

function sparseKind(a: {
  w: SparseTensors;
  inF: number;
  batch: number;
  transposed?: boolean;
}): 'csr' | 'csrT' | 'ell' | 'ellT' | 'nm' | 'nmT' | 'bsr' {
  const v = sparseVariant(a.w.block, a.inF);
  if (!v) throw new Error(`no sparse kernel for block ${a.w.block} with ${a.inF} inputs`);
  const ell = a.w.fanIn !== undefined;
  if (ell && v !== 'csr') throw new Error('ELL (constant fan-in) needs single weights');
  const fmt = a.w.padded ? 'nm' : ell ? 'ell' : v;
  if (!a.transposed) return fmt;
  if (v !== 'csr' || a.batch % 4 !== 0)
    throw new Error('transposed inputs need CSR and batch % 4 == 0');
  return fmt === 'nm' ? 'nmT' : ell ? 'ellT' : 'csrT';
}

/** The row pointers as a binding: the ELL kernels (constant fan-in) read none. */
const rowPtrOf = (w: SparseTensors): Tensor[] => (w.fanIn === undefined ? [w.rowPtr] : []);
/** Samples per invocation of the CSR and ELL row kernels: 32 on transposed inputs, else 16. */
const rowSamples = (v: string) => (v.endsWith('T') ? 32 : 16);

/**
 * The N:M forward's workgroup: x over the batch's sample slices (4 or 8 lanes, so the lanes
 * that run together share one row), y over outputs; 64 invocations.
 */
function nmRowWg(batch: number, samples: number): { WG_X: number; WG_Y: number } {
  const x = Math.ceil(batch / samples) <= 4 ? 4 : 8;
  return { WG_X: x, WG_Y: 64 / x };
}

/** Invocations of the CSR row kernels: one per row and slot (SLOTS weights of a row at once). */
const SLOTS = 8;

/** One autotuning candidate: a source variant and its workgroup shape. */
export interface TuneCandidate {
  variant: string;
  constants: Record<string, number>;
}

const SHAPES = [
  { WG_X: 8, WG_Y: 8 },
  { WG_X: 16, WG_Y: 4 },
  { WG_X: 4, WG_Y: 16 },
  { WG_X: 16, WG_Y: 16 },
];

function candidates(variants: string[]): TuneCandidate[] {
  return variants.flatMap((variant) => SHAPES.map((constants) => ({ variant, constants })));
}

/**
 * What the autotuner may try for a kernel on these arguments: 4x4 or 8x8 outputs per
 * invocation, in several workgroup shapes. Every candidate computes each output with the
 * same operations in the same order, so the choice changes speed, never results.
 */
export function tuneCandidates<K extends KernelName>(
  kernel: K,
  args: KernelArgs[K],
): TuneCandidate[] {
  const v = KERNELS[kernel].variant(args);
  if (kernel === 'linearGradWeight')
    return v === 'vec4' ? candidates(['vec4', 'vec4x8', 'skip']) : [];
  if (kernel === 'linearForward' || kernel === 'linearGradInput')
    return v === 'vec4' ? candidates(['vec4', 'vec4x8']) : [];
  if (kernel === 'sparseForward' || kernel === 'sparseGradInput') {
    const block = (args as KernelArgs['sparseForward']).w.block;
    if (v === 'bsr') return candidates(block % 8 === 0 ? ['bsr', 'bsr8'] : ['bsr']);
  }
  return [];
}

/** The autotuner's cache key: kernel, variant and every size argument. */
export function tuneKey<K extends KernelName>(kernel: K, args: KernelArgs[K]): string {
  const sizes = Object.entries(args as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  const w = (args as { w?: unknown }).w;
  const block = w && typeof w === 'object' && 'block' in w ? `,block=${String(w.block)}` : '';
  return `${kernel}:${KERNELS[kernel].variant(args)}:${sizes}${block}`;
}

export const KERNELS: { [K in KernelName]: KernelDescriptor<K> } = {
  gatherBatch: {
    sources: { main: gatherBatch, packed: gatherBatchPacked },
    variant: (a) => (packedGather(a) ? 'packed' : 'main'),
    constants: (a): Record<string, number> =>
      packedGather(a)
        ? {
            WG,
            WORDS: (a.height * a.width * a.channels) / 4,
            CHANNELS: a.channels,
            XT: a.xT ? 1 : 0,
          }
        : { WG, HAS_AUG: a.aug ? 1 : 0, XT: a.xT ? 1 : 0 },
    ...params(GATHER_PARAMS, (a: KernelArgs['gatherBatch']) => ({
      batch: a.batch,
      height: a.height,
      width: a.width,
      channels: a.channels,
      mean: channelVec4(a.mean),
      std_dev: channelVec4(a.std),
    })),
    buffers: (a) => [a.data, a.labels, a.order, a.cursor, a.aug, a.x, a.y, a.xT ?? null],
    dispatch: (a, c, v) =>
      dispatch1d((a.batch * a.height * a.width * a.channels) / (v === 'packed' ? 4 : 1), c.WG),
  },
  ...PATCH_KERNELS,
  ...POOL_NORM_KERNELS,
  linearForward: {
    sources: { scalar: linearForward, vec4: linearForwardVec4, vec4x8: linearForward8 },
    variant: (a) => vectorVariant(a.inF),
    constants: (a) => ({ ...TILE_WG, RELU: a.relu ? 1 : 0 }),
    ...denseParams,
    buffers: (a) => [a.x, a.w, a.b, a.y],
    dispatch: (a, c, v) => dispatchTiles(a.outF, a.batch, c.WG_X, c.WG_Y, tileOf(v)),
  },
  linearGradInput: {
    sources: { scalar: linearGradInput, vec4: linearGradInputVec4, vec4x8: linearGradInput8 },
    variant: (a) => vectorVariant(a.inF),
    constants: (a) => ({ ...TILE_WG, HAS_RELU: a.relu ? 1 : 0 }),
    ...denseParams,
    buffers: (a) => [a.dy, a.w, a.relu ?? null, a.dx],
    dispatch: (a, c, v) => dispatchTiles(a.inF, a.batch, c.WG_X, c.WG_Y, tileOf(v)),
  },
  linearGradWeight: {
    sources: {
      scalar: linearGradWeight,
      vec4: linearGradWeightVec4,
      vec4x8: linearGradWeight8,
      skip: linearGradWeightSkip,
    },
    variant: (a) => vectorVariant(a.inF),
    constants: (a) => ({ ...TILE_WG, HAS_BIAS: a.db ? 1 : 0 }),
    ...denseParams,
    buffers: (a) => [a.dy, a.x, a.dw, a.db ?? null],
    dispatch: (a, c, v) =>
      v === 'skip'
        ? [Math.ceil(a.inF / 16 / c.WG_X), Math.ceil(a.outF / c.WG_Y), 1]
        : dispatchTiles(a.inF, a.outF, c.WG_X, c.WG_Y, tileOf(v)),
  },
  sparseForward: {
    sources: {
      csr: csrForward,
      csrT: csrForwardT,
      ell: ellForward,
      ellT: ellForwardT,
      nm: nmForward,
      nmT: nmForwardT,
      bsr: bsrForward,
      bsr8: bsrForward8,
    },
    variant: sparseKind,
    constants: (a) => ({
      ...(a.w.padded ? nmRowWg(a.batch, rowSamples(sparseKind(a))) : TILE_WG),
      ...(a.w.block === 1 ? {} : { BLOCK: a.w.block }),
      RELU: a.relu ? 1 : 0,
    }),
    ...sparseParams,
    buffers: (a) => [a.x, a.w.values, ...rowPtrOf(a.w), a.w.colIdx, a.b, a.y],
    dispatch: (a, c, v) =>
      v.startsWith('nm')
        ? [Math.ceil(a.batch / rowSamples(v) / c.WG_X), Math.ceil(a.outF / c.WG_Y), 1]
        : a.w.block === 1
          ? [Math.ceil(a.outF / c.WG_X), Math.ceil(a.batch / rowSamples(v) / c.WG_Y), 1]
          : dispatchTiles(a.outF, a.batch, c.WG_X, c.WG_Y, tileOf(v)),
  },
  sparseGradInput: {
    sources: {
      csr: csrGradInput,
      csrT: csrGradInputT,
      ell: ellGradInput,
      ellT: ellGradInputT,
      // The transposed index holds no N:M padding: the ELL walk is the N:M one.
      nm: ellGradInput,
      nmT: ellGradInputT,
      bsr: bsrGradInput,
      bsr8: bsrGradInput8,
    },
    variant: sparseKind,
    constants: (a) => ({
      ...TILE_WG,
      ...(a.w.block === 1 ? {} : { BLOCK: a.w.block }),
      HAS_RELU: a.relu ? 1 : 0,
    }),
    ...sparseParams,
    buffers: (a) => [
      a.dy,
      a.w.values,
      ...rowPtrOf(a.w),
      a.w.colPtr,
      a.w.tEntry,
      a.relu ?? null,
      a.dx,
    ],
    dispatch: (a, c, v) =>
      a.w.block === 1
        ? [Math.ceil(a.inF / c.WG_X), Math.ceil(a.batch / rowSamples(v) / c.WG_Y), 1]
        : dispatchTiles(a.inF, a.batch, c.WG_X, c.WG_Y, tileOf(v)),
  },
  sparseGradWeight: {
    sources: {
      csr: csrGradWeight,
      csrT: csrGradWeightT,
      ell: ellGradWeight,
      ellT: ellGradWeightT,
      nm: nmGradWeight,
      nmT: nmGradWeightT,
      bsr: bsrGradWeight,
    },
    variant: sparseKind,
    constants: (a): Record<string, number> => ({
      // Block-CSR: 4 x 4 invocations, so a small layer's few tile rows still make workgroups
      // enough for every thread (4 x 16 left fc1 of the MLP five).
      ...(a.w.block === 1 ? { ...TILE_WG, SLOTS } : { WG_X: 4, WG_Y: 4, BLOCK: a.w.block }),
      HAS_BIAS: a.db ? 1 : 0,
    }),
    ...sparseParams,
    buffers: (a) => [a.dy, a.x, ...rowPtrOf(a.w), a.w.colIdx, a.dw, a.db ?? null],
    dispatch: (a, c, v) =>
      v.startsWith('nm')
        ? [Math.ceil(SLOTS / c.WG_X), Math.ceil(a.outF / c.WG_Y), 1]
        : a.w.block === 1
          ? [Math.ceil(a.outF / c.WG_X), Math.ceil(SLOTS / c.WG_Y), 1]
          : [
              Math.ceil(a.w.block / 4 / c.WG_X),
              Math.ceil((a.w.blockRows * a.w.block) / 4 / c.WG_Y),
              1,
            ],
  },
  sparseSgdUpdate: {
    ...single(sparseSgdUpdate),
    constants: (a) => ({
      ...TILE_WG,
      SLOTS,
      BLOCK: a.w.block,
      NESTEROV: a.nesterov ? 1 : 0,
      DENSE_STATE: a.denseState ? 1 : 0,
    }),
    ...params(SPARSE_SGD_PARAMS, (a: KernelArgs['sparseSgdUpdate']) => ({
      in_f: a.inF,
      out_f: a.outF,
      lr: a.lr,
      momentum: a.momentum,
      wd: a.wd,
    })),
    buffers: (a) => [a.w.values, a.g, a.v, a.w.rowPtr, a.w.colIdx],
    dispatch: (a, c) => [Math.ceil(a.outF / c.WG_X), Math.ceil(SLOTS / c.WG_Y), 1],
  },
  transpose: {
    sources: { main: transposeKernel, tile: transposeTile },
    variant: (a) => (a.cols % 4 === 0 ? 'tile' : 'main'),
    constants: () => ({ WG }),
    ...params(TRANSPOSE_PARAMS, (a: KernelArgs['transpose']) => ({ rows: a.rows, cols: a.cols })),
    buffers: (a) => [a.src, a.dst],
    dispatch: (a, c, v) => dispatch1d((a.rows / 4) * (v === 'tile' ? a.cols / 4 : a.cols), c.WG),
  },
  momentumUpdate: {
    ...elementwise(momentumUpdate, momentumUpdateVec4),
    constants: () => ({ WG }),
    ...params(MOMENTUM_PARAMS, (a: KernelArgs['momentumUpdate']) => ({
      n: a.n,
      momentum: a.momentum,
    })),
    buffers: (a) => [a.g, a.v],
    dispatch: (a, c, v) => dispatch1d(a.n / perInvocation(v), c.WG),
  },
  biasGrad: {
    sources: { main: biasGrad, rows: biasGradRows, rows4: biasGradRowsVec4 },
    variant: (a) => (a.batch < BIAS_ROWS ? 'main' : a.outF % 4 === 0 ? 'rows4' : 'rows'),
    constants: (a): Record<string, number> => (a.batch >= BIAS_ROWS ? {} : { WG }),
    ...params(BIAS_GRAD_PARAMS, (a: KernelArgs['biasGrad']) => ({
      batch: a.batch,
      out_f: a.outF,
    })),
    buffers: (a) => [a.dy, a.db],
    dispatch: (a, c, v) =>
      v === 'main' ? dispatch1d(a.outF, c.WG) : [v === 'rows4' ? a.outF / 4 : a.outF, 1, 1],
  },
  reluForward: {
    ...elementwise(reluForward, reluForwardVec4),
    constants: () => ({ WG }),
    ...countParams,
    buffers: (a) => [a.x, a.y],
    dispatch: (a, c, v) => dispatch1d(a.n / perInvocation(v), c.WG),
  },
  reluBackward: {
    ...elementwise(reluBackward, reluBackwardVec4),
    constants: () => ({ WG }),
    ...countParams,
    buffers: (a) => [a.y, a.dy, a.dx],
    dispatch: (a, c, v) => dispatch1d(a.n / perInvocation(v), c.WG),
  },
  softmaxXent: {
    // With accum, batch_metrics' work too, in its one workgroup.
    sources: { main: softmaxXent, metrics: softmaxXentMetrics },
    variant: (a) => (a.accum ? 'metrics' : 'main'),
    constants: (a): Record<string, number> => (a.accum ? {} : { WG }),
    ...classesParams,
    buffers: (a) => [a.logits, a.labels, a.loss, a.dlogits, ...(a.accum ? [a.accum] : [])],
    dispatch: (a, c) => (a.accum ? [1, 1, 1] : dispatch1d(a.batch, c.WG)),
  },
  sgdUpdate: {
    ...elementwise(sgdUpdate, sgdUpdateVec4),
    constants: (a) => ({ WG, NESTEROV: a.nesterov ? 1 : 0, HAS_MASK: a.mask ? 1 : 0 }),
    ...params(SGD_PARAMS, (a: KernelArgs['sgdUpdate']) => ({
      n: a.n,
      lr: a.lr,
      momentum: a.momentum,
      wd: a.wd,
    })),
    // A null mask is bound to a placeholder; HAS_MASK=0 keeps the shader from reading it.
    buffers: (a) => [a.w, a.g, a.v, a.mask],
    dispatch: (a, c, v) => dispatch1d(a.n / perInvocation(v), c.WG),
  },
  batchMetrics: {
    ...single(batchMetrics),
    constants: () => ({}),
    ...classesParams,
    buffers: (a) => [a.logits, a.labels, a.loss, a.accum],
    dispatch: () => [1, 1, 1],
  },
  confusionCount: {
    ...single(confusionCount),
    constants: () => ({ WG }),
    ...classesParams,
    buffers: (a) => [a.logits, a.labels, a.confusion],
    dispatch: (a, c) => dispatch1d(a.classes * a.classes, c.WG),
  },
  ...CONV_KERNELS,
};
