// PyTorch SGD with momentum, Nesterov and weight decay, then the sparse mask re-applied:
//   d = g + wd*w;  v = mu*v + d;  w -= lr * (nesterov ? d + mu*v : v);  w *= mask.
// The momentum buffer v stays dense: missing weights keep accumulating it (growth reads it).
struct Params {
  n: u32,
  lr: f32,
  momentum: f32,
  wd: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;

override WG: u32 = 64u;
override NESTEROV: bool = true;
override HAS_MASK: bool = true;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
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
  if (HAS_MASK && mask[i] == 0.0) {
    next = 0.0;
  }
  w[i] = next;
}
