import type { KernelArgs, KernelName } from '../engine/backend';
import * as conv from './conv';
import * as convSparse from './convSparse';
import * as dense from './dense';
import * as elementwise from './elementwise';
import type { Slices } from './executor';
import * as sparse from './sparse';

/**
 * The CPU twin of every WGSL kernel in `shaders/`: plain loops, the reference the GPU is
 * checked against (parity test) and the fallback backend. Each twin takes the very argument
 * object `Backend.op` receives, so the table below is the whole CPU backend's dispatch.
 */

export * from './conv';
export * from './convSparse';
export * from './dense';
export * from './elementwise';
export * from './sparse';
export { cpuTensor, type CpuTensor } from './tensor';

/** One CPU twin per kernel: typed so that a kernel without a twin does not compile. */
export type CpuKernels = { readonly [K in KernelName]: (args: KernelArgs[K]) => void };

export const CPU_KERNELS: CpuKernels = {
  gatherBatch: elementwise.gatherBatch,
  linearForward: dense.linearForward,
  linearGradInput: dense.linearGradInput,
  linearGradWeight: dense.linearGradWeight,
  biasGrad: dense.biasGrad,
  reluForward: elementwise.reluForward,
  reluBackward: elementwise.reluBackward,
  softmaxXent: elementwise.softmaxXent,
  confusionCount: elementwise.confusionCount,
  sgdUpdate: elementwise.sgdUpdate,
  batchMetrics: elementwise.batchMetrics,
  im2col: conv.im2col,
  col2im: conv.col2im,
  maxPoolForward: conv.maxPoolForward,
  maxPoolBackward: conv.maxPoolBackward,
  bnStats: conv.bnStats,
  bnForward: conv.bnForward,
  bnGradParams: conv.bnGradParams,
  bnGradInput: conv.bnGradInput,
  sparseForward: sparse.sparseForward,
  sparseGradInput: sparse.sparseGradInput,
  sparseGradWeight: sparse.sparseGradWeight,
  sparseSgdUpdate: sparse.sparseSgdUpdate,
  momentumUpdate: elementwise.momentumUpdate,
  transpose: dense.transpose,
  sparseConvForward: convSparse.sparseConvForward,
  sparseConvGradWeight: convSparse.sparseConvGradWeight,
  sparseConvGradInput: convSparse.sparseConvGradInput,
};

/**
 * The kernels that split into rows (see ./executor), with the split form: the ones whose one
 * invocation can take seconds (matmuls, their sparse twins, convolution unfolding, the optimizer
 * over a whole weight matrix). The others run whole between two yields.
 */
export type CpuSlicers = { readonly [K in KernelName]?: (args: KernelArgs[K]) => Slices };

export const CPU_SLICES: CpuSlicers = {
  linearForward: dense.linearForwardSlices,
  linearGradInput: dense.linearGradInputSlices,
  linearGradWeight: dense.linearGradWeightSlices,
  sgdUpdate: elementwise.sgdUpdateSlices,
  momentumUpdate: elementwise.momentumUpdateSlices,
  im2col: conv.im2colSlices,
  col2im: conv.col2imSlices,
  sparseForward: sparse.sparseForwardSlices,
  sparseGradInput: sparse.sparseGradInputSlices,
  sparseGradWeight: sparse.sparseGradWeightSlices,
  sparseSgdUpdate: sparse.sparseSgdUpdateSlices,
  sparseConvForward: convSparse.sparseConvForwardSlices,
  sparseConvGradWeight: convSparse.sparseConvGradWeightSlices,
  sparseConvGradInput: convSparse.sparseConvGradInputSlices,
};
