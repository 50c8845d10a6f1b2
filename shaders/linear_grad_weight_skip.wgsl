// linear_grad_weight that skips zero output gradients (double sparsity): dw[o,i] =
// sum_b dy[b,o] * x[b,i], where behind a ReLU most dy[b,o] are exactly 0 and cost only their
// load. Each invocation computes one output row o for 16 inputs (4 x vec4) and walks the batch
// in order, so it sums the same terms in the same order as linear_grad_weight_vec4 (a skipped
// term is an exact 0). Invocations next to each other share o, so the branch is uniform.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dw: array<vec4f>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i4 = gid.x * 4u;
  let o = gid.y;
  let k4 = p.in_f / 4u;
  if (i4 >= k4 || o >= p.out_f) {
    return;
  }
  let last = k4 - 1u;
  let c1 = min(i4 + 1u, last);
  let c2 = min(i4 + 2u, last);
  let c3 = min(i4 + 3u, last);
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var b = 0u; b < p.batch; b++) {
    let d = dy[b * p.out_f + o];
    if (d != 0.0) {
      let row = b * k4;
      a0 += d * x[row + i4];
      a1 += d * x[row + c1];
      a2 += d * x[row + c2];
      a3 += d * x[row + c3];
    }
  }
  let out = o * k4;
  dw[out + i4] = a0;
  if (i4 + 1u < k4) {
    dw[out + i4 + 1u] = a1;
  }
  if (i4 + 2u < k4) {
    dw[out + i4 + 2u] = a2;
  }
  if (i4 + 3u < k4) {
    dw[out + i4 + 3u] = a3;
  }
}
