// Templates of the implicit-GEMM sparse convolutions: a CSR kernel w[out_c][(ky,kx,c)] applied
// to NHWC activations with no im2col patches. A stored weight's column is decoded to its kernel
// offset and channel on the fly; reads outside the image are zero (skipped).
import { SPARSE_CONV_PARAMS } from './layouts';
import { kernel, PER_GROUP, range, TILE_COL, treeReduce, WG, WG_CONST } from './snippets';
import { RELU_OVERRIDE, reluEpilogue } from './tiles';

/** Output pixels of one image row per invocation of the forward kernel. */
export const CONV_PIXELS = 8;

/** Lines decoding column `col` into its channel c and kernel offsets kx, ky. */
const decode = (col: string) => `
  let col = ${col};
  let c = col % p.channels;
  let kxy = col / p.channels;
  let kx = kxy % p.kernel;
  let ky = kxy / p.kernel;`;

/** shaders/sparse_conv_forward.wgsl: a CSR convolution's forward straight from the NHWC input. */
export const sparseConvForward = (): string => {
  const n = CONV_PIXELS;
  const acc = range(n).map((j) => `var a${j} = 0.0;`);
  const step = range(n).map(
    (j) => `
  let ix${j} = ix + ${j} * i32(p.stride);
  if (ix${j} >= 0 && ix${j} < i32(p.width)) {
    a${j} += x[(base + u32(ix${j})) * p.channels + c] * w;
  }`,
  );
  const store = range(n).map(
    (j) => `
if (ox0 + ${j}u < p.out_w) {
  y[(row0 + ${j}u) * p.out_c + o] = ${reluEpilogue(`a${j} + bo`)};
}`,
  );
  return kernel({
    template: 'convSparse',
    doc: `Implicit-GEMM convolution with a CSR kernel: y[b,oy,ox,o] = sum over the stored
      weights (o, (ky,kx,c)) of x[b, oy*stride+ky-pad, ox*stride+kx-pad, c] * w, plus bias[o]
      (NHWC in and out, no im2col patches; taps outside the image add nothing). With RELU != 0,
      max(y, 0) is stored. Invocation i is output channel i % out_c of ${n} neighbouring
      output pixels of one image row, so each stored weight is decoded once for ${n} pixels and
      an output channel without weights costs only its bias.`,
    layout: SPARSE_CONV_PARAMS,
    buffers: ['x: f32', 'vals: f32', 'row_ptr: u32', 'col_idx: u32', 'bias: f32', 'mut y: f32'],
    overrides: [WG, RELU_OVERRIDE],
    helpers: TILE_COL,
    shape: '1d',
    body: `
let groups = (p.out_w + ${n - 1}u) / ${n}u;
if (i >= p.batch * p.out_h * groups * p.out_c) {
  return;
}
let o = i % p.out_c;
let g = i / p.out_c;
let line = g / groups;
let ox0 = (g % groups) * ${n}u;
let b = line / p.out_h;
let oy = line % p.out_h;
${acc.join('\n')}
let end = row_ptr[o + 1u];
for (var k = row_ptr[o]; k < end; k++) {
  ${decode('tile_col(k)').trim()}
  let iy = i32(oy * p.stride + ky) - i32(p.pad);
  if (iy < 0 || iy >= i32(p.height)) {
    continue;
  }
  let w = vals[k];
  let base = (b * p.height + u32(iy)) * p.width;
  let ix = i32(ox0 * p.stride + kx) - i32(p.pad);${step.join('')}
}
let bo = bias[o];
let row0 = line * p.out_w + ox0;${store.join('')}`,
  });
};

/** shaders/sparse_conv_grad_weight.wgsl: the stored weights' gradients from x and dy directly. */
export const sparseConvGradWeight = (): string =>
  kernel({
    template: 'convSparse',
    doc: `Weight gradient of a CSR convolution at its stored weights only: dw[k] = sum over the
      output pixels (b,oy,ox) of dy[b,oy,ox,o] * x[b, oy*stride+ky-pad, ox*stride+kx-pad, c] for
      stored weight k = (o, (ky,kx,c)), in the values' order, read from the NHWC activations (no
      patches). One workgroup per stored weight: invocation t sums image rows t, t + WG, ...
      over the output columns that read inside the image, then a tree reduction (fixed order).
      The weight's output channel is found by binary search in the row pointers.`,
    layout: SPARSE_CONV_PARAMS,
    buffers: ['dy: f32', 'x: f32', 'row_ptr: u32', 'col_idx: u32', 'mut dw: f32'],
    overrides: [],
    helpers: [WG_CONST, 'var<workgroup> part: array<f32, WG>;', '', ...TILE_COL],
    shape: { size: 'WG', args: `${PER_GROUP}, @builtin(num_workgroups) nwg: vec3u` },
    body: `
let k = wid.x + wid.y * nwg.x;
let t = lid.x;
let live = k < row_ptr[p.out_c];
var acc = 0.0;
if (live) {
  var lo = 0u;
  var hi = p.out_c;
  while (hi - lo > 1u) {
    let mid = (lo + hi) / 2u;
    if (row_ptr[mid] <= k) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  let o = lo;
  ${decode('tile_col(k)').trim()}
  // Output columns ox whose input column ox*stride + kx - pad lies in the image.
  let first = i32(p.pad) - i32(kx);
  let ox_lo = select(0, (first + i32(p.stride) - 1) / i32(p.stride), first > 0);
  let last = i32(p.width) - 1 + first;
  let ox_hi = select(-1, min(i32(p.out_w) - 1, last / i32(p.stride)), last >= 0);
  for (var line = t; line < p.batch * p.out_h; line += WG) {
    let b = line / p.out_h;
    let oy = line % p.out_h;
    let iy = i32(oy * p.stride + ky) - i32(p.pad);
    if (iy < 0 || iy >= i32(p.height)) {
      continue;
    }
    let src = (b * p.height + u32(iy)) * p.width;
    for (var ox = ox_lo; ox <= ox_hi; ox++) {
      let ix = u32(ox * i32(p.stride) - first);
      acc += dy[(line * p.out_w + u32(ox)) * p.out_c + o] * x[(src + ix) * p.channels + c];
    }
  }
}
part[t] = acc;
${treeReduce(['part'])}
if (live && t == 0u) {
  dw[k] = part[0];
}`,
  });

/** shaders/sparse_conv_grad_input.wgsl: dx gathered per input element (no patch gradient, no col2im). */
export const sparseConvGradInput = (): string => {
  const n = CONV_PIXELS;
  const acc = range(n).map((j) => `var a${j} = 0.0;`);
  const rows = range(n).map(
    (j) => `
    let n${j} = nx + ${j};
    let ok${j} = n${j} >= 0 && n${j} % i32(p.stride) == 0 && u32(n${j}) / p.stride < p.out_w;
    let r${j} = (line + u32(n${j}) / p.stride) * p.out_c;`,
  );
  const step = range(n).map(
    (j) => `
      if (ok${j}) {
        a${j} += dy[r${j} + o] * w;
      }`,
  );
  const store = range(n).map(
    (j) => `
if (ix0 + ${j}u < p.width) {
  dx[(px0 + ${j}u) * p.channels + c] = a${j};
}`,
  );
  return kernel({
    template: 'convSparse',
    doc: `Input gradient of a CSR convolution, gathered: dx[b,iy,ix,c] = sum over the kernel
      offsets (ky,kx) that put input (iy,ix) under output (oy,ox) = ((iy+pad-ky)/stride,
      (ix+pad-kx)/stride) of the stored weights of column (ky,kx,c), walked through the
      transposed index, times dy[b,oy,ox,o]. Invocation i is channel i % channels of ${n}
      neighbouring input pixels of one image row: each column's weights are read once for the
      ${n}, and a column without weights costs two pointer reads.`,
    layout: SPARSE_CONV_PARAMS,
    buffers: [
      'dy: f32',
      'vals: f32',
      'row_ptr: u32',
      'col_ptr: u32',
      't_entry: u32',
      'mut dx: f32',
    ],
    overrides: [WG],
    shape: '1d',
    body: `
let groups = (p.width + ${n - 1}u) / ${n}u;
if (i >= p.batch * p.height * groups * p.channels) {
  return;
}
let c = i % p.channels;
let g = i / p.channels;
let img_line = g / groups;
let ix0 = (g % groups) * ${n}u;
let b = img_line / p.height;
let iy = img_line % p.height;
${acc.join('\n')}
for (var ky = 0u; ky < p.kernel; ky++) {
  let ny = i32(iy + p.pad) - i32(ky);
  if (ny < 0 || ny % i32(p.stride) != 0 || u32(ny) / p.stride >= p.out_h) {
    continue;
  }
  let line = (b * p.out_h + u32(ny) / p.stride) * p.out_w;
  for (var kx = 0u; kx < p.kernel; kx++) {
    let col = (ky * p.kernel + kx) * p.channels + c;
    let end = col_ptr[col + 1u];
    if (col_ptr[col] == end) {
      continue;
    }
    let nx = i32(ix0 + p.pad) - i32(kx);${rows.join('')}
    for (var j = col_ptr[col]; j < end; j++) {
      let e = t_entry[j];
      let o = e & 0xffffu;
      let w = vals[row_ptr[o] + (e >> 16u)];${step.join('')}
    }
  }
}
let px0 = img_line * p.width + ix0;${store.join('')}`,
  });
};
