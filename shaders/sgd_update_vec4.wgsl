// sgd_update for n % 4 == 0, four weights per invocation (see sgd_update.wgsl):
//   d = g + wd*w;  v = mu*v + d;  w -= lr * (nesterov ? d + mu*v : v);  w *= mask.
struct Params {
  n: u32,
  lr: f32,
  momentum: f32,
  wd: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> g: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> v: array<vec4f>;
@group(0) @binding(4) var<storage, read> mask: array<vec4f>;

override WG: u32 = 64u;
override NESTEROV: bool = true;
override HAS_MASK: bool = true;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n / 4u) {
    return;
  }
  let wi = w[i];
  let d = g[i] + p.wd * wi;
  let vi = p.momentum * v[i] + d;
  v[i] = vi;
  var step = vi;
  if (NESTEROV) {
    step = d + p.momentum * vi;
  }
  var next = wi - p.lr * step;
  if (HAS_MASK) {
    next = select(next, vec4f(0.0), mask[i] == vec4f(0.0));
  }
  w[i] = next;
}
