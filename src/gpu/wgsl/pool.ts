// Templates of the max-pooling kernels over NHWC activations. The forward and the backward of
// non-overlapping windows run one invocation per pooled output, over one channel or four
// (channels % 4 == 0: NHWC keeps a pixel's channels contiguous, so four are one vec4); the
// backward of overlapping windows gathers per input element.
import { POOL_PARAMS } from './layouts';
import { kernel, WG } from './snippets';

/** The element types of a variant: one channel an invocation, or four. */
function lanes(vec4: boolean) {
  return vec4
    ? {
        v: 'vec4f',
        u: 'vec4u',
        n: ' / 4u',
        times: ' * 4u',
        zero: 'vec4f(0.0)',
        lane: ' + vec4u(0u, 1u, 2u, 3u)',
        four: ' Four channels an invocation (channels % 4 == 0).',
      }
    : { v: 'f32', u: 'u32', n: '', times: '', zero: '0.0', lane: '', four: '' };
}

/**
 * The pooled output an invocation owns, from its index `o` over (b, oy, ox, channel group):
 * three integer divisions, since SwiftShader pays for each one per invocation.
 */
const OUTPUT = (t: ReturnType<typeof lanes>) => `
let groups = p.channels${t.n};
if (o >= p.batch * p.out_h * p.out_w * groups) {
  return;
}
let pix = o / groups;
let c = (o - pix * groups)${t.times};
let row = pix / p.out_w;
let ox = pix - row * p.out_w;
let b = row / p.out_h;
let oy = row - b * p.out_h;
let base = b * p.height * p.width * p.channels;`;

const shape = {
  size: 'WG',
  args: '@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u',
};

/**
 * shaders/max_pool_forward*.wgsl: Max pooling, keeping the argmax the backward pass routes
 * through; `_vec4` pools four channels an invocation.
 */
export const maxPoolForward = (vec4: boolean): string => {
  const t = lanes(vec4);
  return kernel({
    template: 'pool',
    doc: `Max over k x k windows of NHWC activations (no padding). idx keeps each output's argmax
      as an index within the sample (first maximum wins), for the backward pass.${t.four}`,
    layout: POOL_PARAMS,
    buffers: [`x: ${t.v}`, `mut y: ${t.v}`, `mut idx: ${t.u}`],
    overrides: [WG],
    shape,
    body: `
let o = gid.x + gid.y * nwg.x * WG;${OUTPUT(t)}
var best = ${t.v}(-3.4e38);
var arg = ${t.u}(0u);
for (var ky = 0u; ky < p.kernel; ky++) {
  for (var kx = 0u; kx < p.kernel; kx++) {
    let i = ((oy * p.stride + ky) * p.width + ox * p.stride + kx) * p.channels + c;
    let v = x[(base + i)${t.n}];
    let better = v > best;
    best = select(best, v, better);
    arg = select(arg, ${t.u}(i)${t.lane}, better);
  }
}
y[o] = best;
idx[o] = arg;`,
  });
};

/**
 * shaders/max_pool_backward_tiled*.wgsl: Max pooling's gradient when windows do not overlap
 * (stride >= kernel): each pooled output writes its whole tile of dx, no zero-fill pass.
 */
export const maxPoolBackwardTiled = (vec4: boolean): string => {
  const t = lanes(vec4);
  return kernel({
    template: 'pool',
    doc: `Routes each output gradient to its window's argmax when windows do not overlap (stride
      >= kernel): the invocation of a pooled output writes every dx element of its tile, dy at
      the argmax and 0 elsewhere; the tiles of the last row and column reach the image's edge,
      so every element is written once. With HAS_RELU the pool's input is a ReLU's output and
      \`relu\` is the pool's output: dy passes only where the window's maximum (the ReLU's
      output at the argmax) is > 0, the ReLU's backward fused.${t.four}`,
    layout: POOL_PARAMS,
    buffers: [`dy: ${t.v}`, `idx: ${t.u}`, `relu: ${t.v}`, `mut dx: ${t.v}`],
    overrides: [WG, 'HAS_RELU: u32 = 0u'],
    shape,
    body: `
let o = gid.x + gid.y * nwg.x * WG;${OUTPUT(t)}
var g = dy[o];
if (HAS_RELU != 0u) {
  g = select(${t.zero}, g, relu[o] > ${t.zero});
}
let arg = idx[o];
let y_lo = oy * p.stride;
let x_lo = ox * p.stride;
let y_hi = select(y_lo + p.stride, p.height, oy + 1u == p.out_h);
let x_hi = select(x_lo + p.stride, p.width, ox + 1u == p.out_w);
for (var iy = y_lo; iy < y_hi; iy++) {
  for (var ix = x_lo; ix < x_hi; ix++) {
    let local = (iy * p.width + ix) * p.channels + c;
    dx[(base + local)${t.n}] = select(${t.zero}, g, ${t.u}(local)${t.lane} == arg);
  }
}`,
  });
};

/** shaders/max_pool_backward.wgsl: Max pooling's gradient, gathered per input element. */
export const maxPoolBackward = (): string =>
  kernel({
    template: 'pool',
    doc: `Routes each output gradient to its window's argmax, as a gather: an input element sums
      dy over the windows that contain it and chose it. For overlapping windows (stride <
      kernel); max_pool_backward_tiled.wgsl runs otherwise. With HAS_RELU the pool's input is
      a ReLU's output and \`relu\` is the pool's output: a window's dy counts only where its
      maximum (the ReLU's output at the argmax) is > 0, the ReLU's backward fused.`,
    layout: POOL_PARAMS,
    buffers: ['dy: f32', 'idx: u32', 'relu: f32', 'mut dx: f32'],
    overrides: [WG, 'HAS_RELU: u32 = 0u'],
    shape: '1d',
    body: `
let in_size = p.height * p.width * p.channels;
if (i >= p.batch * in_size) {
  return;
}
let b = i / in_size;
let local = i % in_size;
let c = local % p.channels;
let ix = (local / p.channels) % p.width;
let iy = local / (p.channels * p.width);
// Windows oy with oy*stride <= iy < oy*stride + kernel.
let oy_lo = select(0u, (iy - p.kernel + p.stride) / p.stride, iy + 1u > p.kernel);
let ox_lo = select(0u, (ix - p.kernel + p.stride) / p.stride, ix + 1u > p.kernel);
let oy_hi = min(iy / p.stride, p.out_h - 1u);
let ox_hi = min(ix / p.stride, p.out_w - 1u);
var s = 0.0;
for (var oy = oy_lo; oy <= oy_hi; oy++) {
  for (var ox = ox_lo; ox <= ox_hi; ox++) {
    let o = ((b * p.out_h + oy) * p.out_w + ox) * p.channels + c;
    if (idx[o] == local && (HAS_RELU == 0u || relu[o] > 0.0)) {
      s += dy[o];
    }
  }
}
dx[i] = s;`,
  });
