// Gradients of BatchNorm's gamma and beta, one workgroup per channel:
// dgb = [sum dy * xhat (C), sum dy (C)], xhat = (x - mean) * inv_std.
struct Params {
  rows: u32,
  channels: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgb: array<f32>;

const WG: u32 = 64u;
var<workgroup> part_g: array<f32, WG>;
var<workgroup> part_b: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wid.x;
  let t = lid.x;
  let mean = stats[c];
  let inv = stats[p.channels + c];
  var g = 0.0;
  var b = 0.0;
  for (var r = t; r < p.rows; r += WG) {
    let i = r * p.channels + c;
    g += dy[i] * (x[i] - mean) * inv;
    b += dy[i];
  }
  part_g[t] = g;
  part_b[t] = b;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) {
      part_g[t] += part_g[t + s];
      part_b[t] += part_b[t + s];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    dgb[c] = part_g[0];
    dgb[p.channels + c] = part_b[0];
  }
}
