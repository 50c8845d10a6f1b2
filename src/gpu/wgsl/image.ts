// Templates of the image kernels: the batch gather from the resident dataset; convolution
// patches (im2col and its adjoint) are in patches.ts, max pooling in pool.ts. Bodies are WGSL
// text; the struct, bindings and overrides around them come from the layouts and lists here.
import { GATHER_PARAMS } from './layouts';
import { type Binding, kernel, WG } from './snippets';

/** Both gathers bind the same buffers (`aug` unused by the packed one); x is f32 or vec4f. */
const gatherBuffers = (x: string): Binding[] => [
  'data: u32',
  'labels: u32',
  'order: u32',
  'cursor: u32',
  'aug: u32',
  `mut x: ${x}`,
  'mut y: u32',
  'mut xt: f32',
];

/** The override that also writes the batch transposed, xt[f][b] (the CSR kernels' layout). */
const XT = 'XT: u32 = 0u' as const;

/**
 * shaders/gather_batch.wgsl: One mini-batch gathered on the GPU from the resident dataset (augmentation optional).
 */
export const gatherBatch = (): string =>
  kernel({
    template: 'image',
    doc: `Gathers one mini-batch from the dataset kept on the GPU: pixels are bytes packed four to
      a u32, each sample H x W x C (HWC); sample b of the batch is order[cursor + b]. Writes
      per-channel normalised f32 inputs and labels. With HAS_AUG, each sample's word in
      \`aug\` shifts the crop (bits 0-3: x + 4, bits 4-7: y + 4) and flips it (bit 8); pixels
      from outside the image are 0 before normalisation (zero padding). Without augmentation
      and with H*W*C % 4 == 0, gather_batch_packed.wgsl runs instead. With XT, the batch is
      also written transposed, xt[f * batch + b] (what a transpose after it would give).`,
    layout: GATHER_PARAMS,
    buffers: gatherBuffers('f32'),
    overrides: [WG, 'HAS_AUG: u32 = 0u', XT],
    shape: '1d',
    body: `
let features = p.height * p.width * p.channels;
if (i >= p.batch * features) {
  return;
}
let b = i / features;
let f = i % features;
let sample = order[cursor[0] + b];
let c = f % p.channels;
let px = i32((f / p.channels) % p.width);
let py = i32(f / (p.channels * p.width));
var src_x = px;
var src_y = py;
if (HAS_AUG != 0u) {
  let word = aug[sample];
  if ((word & 0x100u) != 0u) {
    src_x = i32(p.width) - 1 - px;
  }
  src_x += i32(word & 0xfu) - 4;
  src_y += i32((word >> 4u) & 0xfu) - 4;
}
var byte = 0u;
if (src_x >= 0 && src_x < i32(p.width) && src_y >= 0 && src_y < i32(p.height)) {
  let idx = sample * features + (u32(src_y) * p.width + u32(src_x)) * p.channels + c;
  byte = (data[idx >> 2u] >> ((idx & 3u) * 8u)) & 0xffu;
}
let v = (f32(byte) / 255.0 - p.mean[c]) / p.std_dev[c];
x[i] = v;
if (XT != 0u) {
  xt[f * p.batch + b] = v;
}
if (f == 0u) {
  y[b] = labels[sample];
}`,
  });

/**
 * shaders/gather_batch_packed.wgsl: The gather when no augmentation moves pixels: whole u32 words, four pixels at a time.
 */
export const gatherBatchPacked = (): string =>
  kernel({
    template: 'image',
    doc: `gather_batch without augmentation when H*W*C % 4 == 0: each invocation unpacks one u32
      of the dataset (four pixels) and writes the four normalised values as one vec4 (see
      gather_batch.wgsl for the layout). WORDS (H*W*C / 4) and CHANNELS are pipeline constants:
      on SwiftShader a runtime divisor and per-lane dynamic indexing of the uniform's channel
      vectors cost 3x the whole copy, so the channel pattern of a word is a swizzle instead.
      With XT, the four values also go to xt[(4 * f4 + lane) * batch + b] (transposed).`,
    layout: GATHER_PARAMS,
    buffers: gatherBuffers('vec4f'),
    overrides: [WG, 'WORDS: u32 = 1u', 'CHANNELS: u32 = 1u', XT],
    shape: '1d',
    body: `
if (i >= p.batch * WORDS) {
  return;
}
// \`aug\` is bound like in gather_batch but unused here; keep it in the pipeline layout.
_ = &aug;
let b = i / WORDS;
let f4 = i - b * WORDS;
let sample = order[cursor[0] + b];
// unpack4x8unorm gives byte / 255 for each of the four bytes, low byte first.
let pixels = unpack4x8unorm(data[sample * WORDS + f4]);
// The channels of the word's four lanes, (4 * f4 + lane) % CHANNELS, as a swizzle: one
// pattern for 1, 2 or 4 channels; for 3, word f4 starts at channel f4 % 3.
var mean = p.mean;
var std_dev = p.std_dev;
if (CHANNELS == 1u) {
  mean = p.mean.xxxx;
  std_dev = p.std_dev.xxxx;
} else if (CHANNELS == 2u) {
  mean = p.mean.xyxy;
  std_dev = p.std_dev.xyxy;
} else if (CHANNELS == 3u) {
  let r = f4 % 3u;
  mean = select(select(p.mean.xyzx, p.mean.yzxy, r == 1u), p.mean.zxyz, r == 2u);
  std_dev = select(select(p.std_dev.xyzx, p.std_dev.yzxy, r == 1u), p.std_dev.zxyz, r == 2u);
}
let v = (pixels - mean) / std_dev;
x[i] = v;
if (XT != 0u) {
  let t = f4 * 4u * p.batch + b;
  xt[t] = v.x;
  xt[t + p.batch] = v.y;
  xt[t + 2u * p.batch] = v.z;
  xt[t + 3u * p.batch] = v.w;
}
if (f4 == 0u) {
  y[b] = labels[sample];
}`,
  });
