// Gathers one mini-batch from the dataset kept on the GPU: pixels are bytes packed four to a
// u32; sample b of the batch is order[cursor + b]. Writes normalised f32 inputs and labels.
struct Params {
  batch: u32,
  features: u32,
  mean: f32,
  std_dev: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read> cursor: array<u32>;
@group(0) @binding(5) var<storage, read_write> x: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<u32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.batch * p.features) {
    return;
  }
  let b = i / p.features;
  let f = i % p.features;
  let sample = order[cursor[0] + b];
  let idx = sample * p.features + f;
  let byte = (data[idx >> 2u] >> ((idx & 3u) * 8u)) & 0xffu;
  x[i] = (f32(byte) / 255.0 - p.mean) / p.std_dev;
  if (f == 0u) {
    y[b] = labels[sample];
  }
}
