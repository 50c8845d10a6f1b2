import type { ConvShape } from '../engine/backend';
import im2col from '../../shaders/im2col.wgsl?raw';
import im2colVec4 from '../../shaders/im2col_vec4.wgsl?raw';
import col2im from '../../shaders/col2im.wgsl?raw';
import col2imVec4 from '../../shaders/col2im_vec4.wgsl?raw';
import { convParams } from './wgsl/params';
import { dispatch1d } from './dispatch';
import type { KernelDescriptor } from './kernels';

/**
 * The descriptors of the convolution patches (src/gpu/wgsl/patches.ts): im2col and col2im
 * take the shape as pipeline constants, so a layer's pipeline has its divisors folded (the
 * pipeline cache keys on the constants); four channels an invocation when channels % 4 == 0.
 */

const WG = 64;

/** The shape overrides of both kernels. */
const shapeConstants = (a: ConvShape) => ({
  CHANNELS: a.channels,
  KSIZE: a.kernel,
  STRIDE: a.stride,
  PAD: a.pad,
  HEIGHT: a.height,
  WIDTH: a.width,
  OUT_H: a.outHeight,
  OUT_W: a.outWidth,
});

const patchRows = (a: ConvShape) => a.batch * a.outHeight * a.outWidth;
const patchLength = (a: ConvShape) => patchRows(a) * a.kernel * a.kernel * a.channels;

/** im2col moves 4 x 4 blocks when both the channels and the patch rows are multiples of 4. */
export const im2colVariant = (a: ConvShape): 'vec4' | 'main' =>
  a.channels % 4 === 0 && patchRows(a) % 4 === 0 ? 'vec4' : 'main';

type PatchKernel = 'im2col' | 'col2im';

export const PATCH_KERNELS: { [K in PatchKernel]: KernelDescriptor<K> } = {
  im2col: {
    sources: { main: im2col, vec4: im2colVec4 },
    variant: im2colVariant,
    constants: (a) => ({
      WG,
      LAYOUT: (a.cols ? 1 : 0) | (a.colsT ? 2 : 0),
      ...shapeConstants(a),
    }),
    ...convParams,
    // Unwritten layouts bind the placeholder (LAYOUT keeps the shader from writing it).
    buffers: (a) => [a.x, a.cols, a.colsT ?? null],
    dispatch: (a, c, v) => dispatch1d(patchLength(a) / (v === 'vec4' ? 16 : 1), c.WG),
  },
  col2im: {
    sources: { main: col2im, vec4: col2imVec4 },
    variant: (a) => (a.channels % 4 === 0 ? 'vec4' : 'main'),
    constants: (a) => ({ WG, ...shapeConstants(a) }),
    ...convParams,
    buffers: (a) => [a.dcols, a.dx],
    dispatch: (a, c, v) =>
      dispatch1d((a.batch * a.height * a.width * a.channels) / (v === 'vec4' ? 4 : 1), c.WG),
  },
};
