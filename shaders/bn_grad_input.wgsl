// Input gradient of training-mode BatchNorm over M = rows samples per channel:
// dx = gamma * inv_std / M * (M * dy - dbeta - xhat * dgamma).
struct Params {
  rows: u32,
  channels: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;
@group(0) @binding(4) var<storage, read> gb: array<f32>;
@group(0) @binding(5) var<storage, read> dgb: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.rows * p.channels) {
    return;
  }
  let c = i % p.channels;
  let inv = stats[p.channels + c];
  let xhat = (x[i] - stats[c]) * inv;
  let m = f32(p.rows);
  dx[i] = gb[c] * inv / m * (m * dy[i] - dgb[p.channels + c] - xhat * dgb[c]);
}
