// y[b,o] = sum_i x[b,i] * w[o,i] + bias[o]. Weights are [out][in] as in PyTorch.
// Each invocation computes a 4x4 tile (4 samples x 4 outputs) in registers.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o0 = gid.x * 4u;
  let b0 = gid.y * 4u;
  if (o0 >= p.out_f || b0 >= p.batch) {
    return;
  }
  // Rows past the edge are clamped for loading and never stored.
  let wr = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.out_f - 1u)) * p.in_f;
  let xr = min(vec4u(b0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.batch - 1u)) * p.in_f;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var k = 0u; k < p.in_f; k++) {
    let wv = vec4f(w[wr.x + k], w[wr.y + k], w[wr.z + k], w[wr.w + k]);
    a0 += x[xr.x + k] * wv;
    a1 += x[xr.y + k] * wv;
    a2 += x[xr.z + k] * wv;
    a3 += x[xr.w + k] * wv;
  }
  var acc = array<vec4f, 4>(a0, a1, a2, a3);
  for (var r = 0u; r < 4u; r++) {
    let b = b0 + r;
    if (b >= p.batch) {
      break;
    }
    for (var c = 0u; c < 4u; c++) {
      let o = o0 + c;
      if (o < p.out_f) {
        y[b * p.out_f + o] = acc[r][c] + bias[o];
      }
    }
  }
}
