// gather_batch without augmentation when H*W*C % 4 == 0: each invocation unpacks one u32 of
// the dataset (four pixels) and writes the four normalised values as one vec4 (see
// gather_batch.wgsl for the layout).
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
@group(0) @binding(6) var<storage, read_write> x: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> y: array<u32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let words = p.height * p.width * p.channels / 4u;
  if (i >= p.batch * words) {
    return;
  }
  // `aug` is bound like in gather_batch but unused here; keep it in the pipeline layout.
  _ = &aug;
  let b = i / words;
  let f4 = i - b * words;
  let sample = order[cursor[0] + b];
  // unpack4x8unorm gives byte / 255 for each of the four bytes, low byte first.
  let pixels = unpack4x8unorm(data[sample * words + f4]);
  var mean = vec4f(p.mean.x);
  var std_dev = vec4f(p.std_dev.x);
  if (p.channels > 1u) {
    let c = (vec4u(f4 * 4u) + vec4u(0u, 1u, 2u, 3u)) % p.channels;
    mean = vec4f(p.mean[c.x], p.mean[c.y], p.mean[c.z], p.mean[c.w]);
    std_dev = vec4f(p.std_dev[c.x], p.std_dev[c.y], p.std_dev[c.z], p.std_dev[c.w]);
  }
  x[i] = (pixels - mean) / std_dev;
  if (f4 == 0u) {
    y[b] = labels[sample];
  }
}
