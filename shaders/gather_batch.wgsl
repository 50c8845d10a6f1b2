// Gathers one mini-batch from the dataset kept on the GPU: pixels are bytes packed four to a
// u32, each sample H x W x C (HWC); sample b of the batch is order[cursor + b]. Writes
// per-channel normalised f32 inputs and labels. With HAS_AUG, each sample's word in `aug`
// shifts the crop (bits 0-3: x + 4, bits 4-7: y + 4) and flips it (bit 8); pixels from
// outside the image are 0 before normalisation (zero padding). Without augmentation and with
// H*W*C % 4 == 0, gather_batch_packed.wgsl runs instead.
struct Params {
  batch: u32,
  height: u32,
  width: u32,
  channels: u32,
  mean: vec4f,
  std_dev: vec4f,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read> cursor: array<u32>;
@group(0) @binding(5) var<storage, read> aug: array<u32>;
@group(0) @binding(6) var<storage, read_write> x: array<f32>;
@group(0) @binding(7) var<storage, read_write> y: array<u32>;

override WG: u32 = 64u;
override HAS_AUG: u32 = 0u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
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
  x[i] = (f32(byte) / 255.0 - p.mean[c]) / p.std_dev[c];
  if (f == 0u) {
    y[b] = labels[sample];
  }
}
