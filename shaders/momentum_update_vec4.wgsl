// momentum_update for n % 4 == 0: v = mu*v + g over a whole dense matrix, four at a time.
struct Params {
  n: u32,
  momentum: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> v: array<vec4f>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n / 4u) {
    return;
  }
  v[i] = p.momentum * v[i] + g[i];
}
