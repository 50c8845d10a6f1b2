// momentum_update: v = mu*v + g over a whole dense matrix, the momentum of every weight, missing
// ones included (their weight is 0, so weight decay adds nothing). Sparse momentum reads this
// dense momentum to decide where to regrow; sparse_sgd_update then moves the stored weights.
struct Params {
  n: u32,
  momentum: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  v[i] = p.momentum * v[i] + g[i];
}
