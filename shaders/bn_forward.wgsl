// y = gamma[c] * (x - mean[c]) * inv_std[c] + beta[c] over x[rows, channels];
// stats = [mean(C), inv_std(C)], gb = [gamma(C), beta(C)].
struct Params {
  rows: u32,
  channels: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read> gb: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.rows * p.channels) {
    return;
  }
  let c = i % p.channels;
  y[i] = gb[c] * (x[i] - stats[c]) * stats[p.channels + c] + gb[p.channels + c];
}
