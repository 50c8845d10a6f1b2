// sparse_sgd_update: PyTorch SGD (momentum, Nesterov, weight decay) on the stored weights of a
// block-CSR matrix (BLOCK 1 = CSR). With DENSE_STATE the gradient and momentum are dense
// [out][in] buffers (sparse momentum needs the momentum of missing weights every step): a
// momentum_update pass has already set v = mu*v + g everywhere, and this adds the weight-decay
// term of the stored weights. Otherwise g and v are stored like the values:
//   d = g + wd*w;  v = mu*v + d;  w -= lr * (nesterov ? d + mu*v : v).
// Invocation (o, s) updates row o's tiles s, s + SLOTS, ...; padding is left at 0.
struct Params {
  in_f: u32,
  out_f: u32,
  lr: f32,
  momentum: f32,
  wd: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(5) var<storage, read> col_idx: array<u32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override SLOTS: u32 = 8u;
override BLOCK: u32 = 1u;
override NESTEROV: bool = true;
override DENSE_STATE: bool = false;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = gid.x;
  let s = gid.y;
  if (o >= p.out_f || s >= SLOTS) {
    return;
  }
  let tr = o / BLOCK;
  let r = o % BLOCK;
  let end = row_ptr[tr + 1u];
  for (var k = row_ptr[tr] + s; k < end; k += SLOTS) {
    let col0 = ((col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu) * BLOCK;
    let cols = min(BLOCK, p.in_f - col0);
    let t = k * BLOCK * BLOCK + r * BLOCK;
    for (var c = 0u; c < cols; c++) {
      let idx = t + c;
      var state = idx;
      if (DENSE_STATE) {
        state = o * p.in_f + col0 + c;
      }
      let wi = w[idx];
      let d = g[state] + p.wd * wi;
      var vi = p.momentum * v[state] + d;
      if (DENSE_STATE) {
        vi = v[state] + p.wd * wi;
      }
      v[state] = vi;
      var step = vi;
      if (NESTEROV) {
        step = d + p.momentum * vi;
      }
      w[idx] = wi - p.lr * step;
    }
  }
}
