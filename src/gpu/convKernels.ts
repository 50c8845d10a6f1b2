import type { KernelArgs, SparseTensors } from '../engine/backend';
import sparseConvForward from '../../shaders/sparse_conv_forward.wgsl?raw';
import sparseConvGradInput from '../../shaders/sparse_conv_grad_input.wgsl?raw';
import sparseConvGradWeight from '../../shaders/sparse_conv_grad_weight.wgsl?raw';
import { CONV_PIXELS } from './wgsl/convSparse';
import { sparseConvParams } from './wgsl/params';
import { dispatch1d } from './dispatch';
import type { KernelDescriptor } from './kernels';

/**
 * The descriptors of the implicit-GEMM sparse convolutions (src/gpu/wgsl/convSparse.ts): CSR
 * weights over NHWC activations with no im2col patches. Only single weights (block 1) run here.
 */

const WG = 64;

/** The one variant, after checking the weights are CSR (block-CSR tiles have no conv kernel). */
function csrOnly(a: { w: SparseTensors }): string {
  if (a.w.block !== 1)
    throw new Error(`sparse convolutions need single weights, not block ${a.w.block}`);
  return 'main';
}

type ConvKernel = 'sparseConvForward' | 'sparseConvGradWeight' | 'sparseConvGradInput';

export const CONV_KERNELS: { [K in ConvKernel]: KernelDescriptor<K> } = {
  sparseConvForward: {
    sources: { main: sparseConvForward },
    variant: csrOnly,
    constants: (a) => ({ WG, RELU: a.relu ? 1 : 0 }),
    ...sparseConvParams,
    buffers: (a) => [a.x, a.w.values, a.w.rowPtr, a.w.colIdx, a.b, a.y],
    dispatch: (a: KernelArgs['sparseConvForward'], c) =>
      dispatch1d(a.batch * a.outHeight * Math.ceil(a.outWidth / CONV_PIXELS) * a.outChannels, c.WG),
  },
  sparseConvGradWeight: {
    sources: { main: sparseConvGradWeight },
    variant: csrOnly,
    constants: () => ({}),
    ...sparseConvParams,
    buffers: (a) => [a.dy, a.x, a.w.rowPtr, a.w.colIdx, a.dw],
    // A workgroup per stored weight (the values' length bounds how many are stored).
    dispatch: (a) => dispatch1d(a.w.values.length, 1),
  },
  sparseConvGradInput: {
    sources: { main: sparseConvGradInput },
    variant: csrOnly,
    constants: () => ({ WG }),
    ...sparseConvParams,
    buffers: (a) => [a.dy, a.w.values, a.w.rowPtr, a.w.colPtr, a.w.tEntry, a.dx],
    dispatch: (a, c) =>
      dispatch1d(a.batch * a.height * Math.ceil(a.width / CONV_PIXELS) * a.channels, c.WG),
  },
};
