// Templates of the convolution patches over NHWC activations: im2col and its adjoint col2im.
// The image and kernel shape are pipeline-overridable constants, set per pipeline (the
// pipeline cache keys on them): on SwiftShader each runtime integer division costs more than
// the copy itself, and with constant divisors the compiler folds them to multiplies and shifts.
// With channels % 4 == 0 the `_vec4` variants move four channels (a pixel's channels are
// contiguous in NHWC and in a patch) per load and store.
import { CONV_PARAMS } from './layouts';
import { type Override, kernel, LANES, range, WG } from './snippets';

/** The convolution's shape as overrides (batch stays in the uniform block: it bounds the work). */
const SHAPE: Override[] = [
  'CHANNELS: u32 = 1u',
  'KSIZE: u32 = 1u',
  'STRIDE: u32 = 1u',
  'PAD: u32 = 0u',
  'HEIGHT: u32 = 1u',
  'WIDTH: u32 = 1u',
  'OUT_H: u32 = 1u',
  'OUT_W: u32 = 1u',
];

/** The patch row (b, oy, ox) of output pixel `row{s}` and where it reads the image. */
const rowOrigin = (s: string) => `
let sp${s} = row${s} / OUT_W;
let ox${s} = row${s} - sp${s} * OUT_W;
let b${s} = sp${s} / OUT_H;
let oy${s} = sp${s} - b${s} * OUT_H;
let iy${s} = i32(oy${s} * STRIDE + ky) - i32(PAD);
let ix${s} = i32(ox${s} * STRIDE + kx) - i32(PAD);
let inside${s} = iy${s} >= 0 && iy${s} < i32(HEIGHT) && ix${s} >= 0 && ix${s} < i32(WIDTH);
let src${s} = ((b${s} * HEIGHT + u32(iy${s})) * WIDTH + u32(ix${s})) * CHANNELS + c;`;

/** The patch column's kernel position (ky, kx) and channel c, from `pix` (= col / CHANNELS). */
const KPOS = `
let ky = pix / KSIZE;
let kx = pix - ky * KSIZE;`;

/**
 * The (row, column) of the patches an invocation writes, from `i` over `rows` x `cols`: along
 * columns, or with only the transposed patches (LAYOUT 2) along rows, so writes are contiguous.
 */
const cell = (r: string, q: string, rows: string, cols: string) => `
if (i >= ${rows} * ${cols}) {
  return;
}
var ${r} = i / ${cols};
var ${q} = i - ${r} * ${cols};
if (LAYOUT == 2u) {
  ${q} = i / ${rows};
  ${r} = i - ${q} * ${rows};
}`;

const IM2COL_DOC = `Unfolds convolution patches of NHWC activations: cols[(b,oy,ox), (ky,kx,c)] = x[b,
  oy*stride+ky-pad, ox*stride+kx-pad, c], 0 outside the image. A convolution is then a matmul
  of cols with the [out, k*k*c] weights (linear_forward). LAYOUT bit 0 writes cols, bit 1 the
  transposed cols_t[(ky,kx,c)][(b,oy,ox)] the CSR kernels on transposed activations read (in
  the same pass, instead of a transpose after it); with only bit 1, invocations run along rows
  so the transposed writes are contiguous. The shape is in overrides (constant divisors).`;

/**
 * shaders/im2col.wgsl: Convolution as a matmul: patches unfolded into rows, one entry an
 * invocation (any shape).
 */
export const im2col = (): string =>
  kernel({
    template: 'patches',
    doc: IM2COL_DOC,
    layout: CONV_PARAMS,
    buffers: ['x: f32', 'mut cols: f32', 'mut cols_t: f32'],
    overrides: [WG, 'LAYOUT: u32 = 1u', ...SHAPE],
    shape: '1d',
    body: `
let kk = KSIZE * KSIZE * CHANNELS;
let rows = p.batch * OUT_H * OUT_W;${cell('row', 'col', 'rows', 'kk')}
let pix = col / CHANNELS;
let c = col - pix * CHANNELS;${KPOS}${rowOrigin('')}
var v = 0.0;
if (inside) {
  v = x[src];
}
if ((LAYOUT & 1u) != 0u) {
  cols[row * kk + col] = v;
}
if ((LAYOUT & 2u) != 0u) {
  cols_t[col * rows + row] = v;
}`,
  });

/**
 * shaders/im2col_vec4.wgsl: im2col when channels % 4 == 0 and the patch rows % 4 == 0: a 4 x 4
 * block (four rows, four channels of one kernel position) an invocation, all vec4 loads and stores.
 */
export const im2colVec4 = (): string =>
  kernel({
    template: 'patches',
    doc: `${IM2COL_DOC}

      This variant (channels % 4 == 0, rows % 4 == 0) moves a block of four patch rows by four
      channels of one kernel position an invocation: four vec4 loads of x, four vec4 stores
      to cols (one a row) and four to cols_t (one a channel: the block transposed).`,
    layout: CONV_PARAMS,
    buffers: ['x: vec4f', 'mut cols: vec4f', 'mut cols_t: vec4f'],
    overrides: [WG, 'LAYOUT: u32 = 1u', ...SHAPE],
    shape: '1d',
    body: `
let groups = CHANNELS / 4u;
let kk4 = KSIZE * KSIZE * groups;
let rows4 = p.batch * OUT_H * OUT_W / 4u;${cell('r4', 'q', 'rows4', 'kk4')}
let pix = q / groups;
let c = (q - pix * groups) * 4u;${KPOS}
${range(4)
  .map((r) => `let row${r} = r4 * 4u + ${r}u;${rowOrigin(String(r))}`)
  .join('\n')}
${range(4)
  .map((r) => `var v${r} = vec4f(0.0);\nif (inside${r}) {\n  v${r} = x[src${r} / 4u];\n}`)
  .join('\n')}
if ((LAYOUT & 1u) != 0u) {
${range(4)
  .map((r) => `  cols[row${r} * kk4 + q] = v${r};`)
  .join('\n')}
}
if ((LAYOUT & 2u) != 0u) {
  let t = (pix * CHANNELS + c) * rows4 + r4;
${LANES.map((l, j) => `  cols_t[t${j ? ` + ${j}u * rows4` : ''}] = vec4f(v0.${l}, v1.${l}, v2.${l}, v3.${l});`).join('\n')}
}`,
  });

/**
 * shaders/col2im*.wgsl: The convolution's input gradient: im2col's adjoint, gathered without
 * atomics; `_vec4` sums four channels an invocation.
 */
export const col2im = (vec4: boolean): string => {
  const [t, n, times] = vec4 ? ['vec4f', ' / 4u', ' * 4u'] : ['f32', '', ''];
  return kernel({
    template: 'patches',
    doc: `The adjoint of im2col, as a gather (no atomics): each input element sums the entries of
      dcols that read it, over the kernel positions whose output pixel exists, in ascending
      output pixel (b, oy, ox) order, as the CPU twin adds the patches (bit-identical sums).
      The shape is in overrides (constant divisors).${vec4 ? ' Four channels an invocation (channels % 4 == 0).' : ''}`,
    layout: CONV_PARAMS,
    buffers: [`dcols: ${t}`, `mut dx: ${t}`],
    overrides: [WG, ...SHAPE],
    shape: '1d',
    body: `
let groups = CHANNELS${n};
if (i >= p.batch * HEIGHT * WIDTH * groups) {
  return;
}
let pix = i / groups;
let c = (i - pix * groups)${times};
let sp = pix / WIDTH;
let ix = i32(pix - sp * WIDTH);
let b = sp / HEIGHT;
let iy = i32(sp - b * HEIGHT);
let kk = KSIZE * KSIZE * CHANNELS;
// The output pixels whose patch reads (iy, ix): oy*stride + ky = iy + pad with 0 <= ky < k,
// so oy from ceil((iy + pad - k + 1) / stride) to (iy + pad) / stride, within the output.
let ty = iy + i32(PAD);
let tx = ix + i32(PAD);
let y0 = u32(max(ty - i32(KSIZE) + i32(STRIDE), 0)) / STRIDE;
let y1 = min(u32(ty) / STRIDE + 1u, OUT_H);
let x0 = u32(max(tx - i32(KSIZE) + i32(STRIDE), 0)) / STRIDE;
let x1 = min(u32(tx) / STRIDE + 1u, OUT_W);
var s = ${t}(0.0);
// Ascending output rows and columns, as the CPU twin adds the patches. The next column's
// entry is a patch row on and stride kernel columns back.
for (var oy = y0; oy < y1; oy++) {
  let ky = u32(ty) - oy * STRIDE;
  var e = ((b * OUT_H + oy) * OUT_W + x0) * kk + (ky * KSIZE + u32(tx) - x0 * STRIDE) * CHANNELS + c;
  for (var ox = x0; ox < x1; ox++) {
    s += dcols[e${n}];
    e += kk - STRIDE * CHANNELS;
  }
}
dx[i] = s;`,
  });
};
