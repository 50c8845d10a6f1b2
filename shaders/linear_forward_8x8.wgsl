// linear_forward, 8 samples x 8 outputs per invocation (in_f % 4 == 0): the same sums in the
// same order as linear_forward_vec4, with twice the reuse of every load. The autotuner picks
// between the two per shape and adapter.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o0 = gid.x * 8u;
  let b0 = gid.y * 8u;
  if (o0 >= p.out_f || b0 >= p.batch) {
    return;
  }
  let k4 = p.in_f / 4u;
  let last_b = p.batch - 1u;
  let last_o = p.out_f - 1u;
  let xr0 = min(b0 + 0u, last_b) * k4;
  let xr1 = min(b0 + 1u, last_b) * k4;
  let xr2 = min(b0 + 2u, last_b) * k4;
  let xr3 = min(b0 + 3u, last_b) * k4;
  let xr4 = min(b0 + 4u, last_b) * k4;
  let xr5 = min(b0 + 5u, last_b) * k4;
  let xr6 = min(b0 + 6u, last_b) * k4;
  let xr7 = min(b0 + 7u, last_b) * k4;
  let wr0 = min(o0 + 0u, last_o) * k4;
  let wr1 = min(o0 + 1u, last_o) * k4;
  let wr2 = min(o0 + 2u, last_o) * k4;
  let wr3 = min(o0 + 3u, last_o) * k4;
  let wr4 = min(o0 + 4u, last_o) * k4;
  let wr5 = min(o0 + 5u, last_o) * k4;
  let wr6 = min(o0 + 6u, last_o) * k4;
  let wr7 = min(o0 + 7u, last_o) * k4;
  var a00 = vec4f(0.0);
  var a01 = vec4f(0.0);
  var a10 = vec4f(0.0);
  var a11 = vec4f(0.0);
  var a20 = vec4f(0.0);
  var a21 = vec4f(0.0);
  var a30 = vec4f(0.0);
  var a31 = vec4f(0.0);
  var a40 = vec4f(0.0);
  var a41 = vec4f(0.0);
  var a50 = vec4f(0.0);
  var a51 = vec4f(0.0);
  var a60 = vec4f(0.0);
  var a61 = vec4f(0.0);
  var a70 = vec4f(0.0);
  var a71 = vec4f(0.0);
  for (var k = 0u; k < k4; k++) {
    let w0 = w[wr0 + k];
    let w1 = w[wr1 + k];
    let w2 = w[wr2 + k];
    let w3 = w[wr3 + k];
    let w4 = w[wr4 + k];
    let w5 = w[wr5 + k];
    let w6 = w[wr6 + k];
    let w7 = w[wr7 + k];
    let x0 = x[xr0 + k];
    let x1 = x[xr1 + k];
    let x2 = x[xr2 + k];
    let x3 = x[xr3 + k];
    let x4 = x[xr4 + k];
    let x5 = x[xr5 + k];
    let x6 = x[xr6 + k];
    let x7 = x[xr7 + k];
    a00 += vec4f(dot(x0, w0), dot(x0, w1), dot(x0, w2), dot(x0, w3));
    a01 += vec4f(dot(x0, w4), dot(x0, w5), dot(x0, w6), dot(x0, w7));
    a10 += vec4f(dot(x1, w0), dot(x1, w1), dot(x1, w2), dot(x1, w3));
    a11 += vec4f(dot(x1, w4), dot(x1, w5), dot(x1, w6), dot(x1, w7));
    a20 += vec4f(dot(x2, w0), dot(x2, w1), dot(x2, w2), dot(x2, w3));
    a21 += vec4f(dot(x2, w4), dot(x2, w5), dot(x2, w6), dot(x2, w7));
    a30 += vec4f(dot(x3, w0), dot(x3, w1), dot(x3, w2), dot(x3, w3));
    a31 += vec4f(dot(x3, w4), dot(x3, w5), dot(x3, w6), dot(x3, w7));
    a40 += vec4f(dot(x4, w0), dot(x4, w1), dot(x4, w2), dot(x4, w3));
    a41 += vec4f(dot(x4, w4), dot(x4, w5), dot(x4, w6), dot(x4, w7));
    a50 += vec4f(dot(x5, w0), dot(x5, w1), dot(x5, w2), dot(x5, w3));
    a51 += vec4f(dot(x5, w4), dot(x5, w5), dot(x5, w6), dot(x5, w7));
    a60 += vec4f(dot(x6, w0), dot(x6, w1), dot(x6, w2), dot(x6, w3));
    a61 += vec4f(dot(x6, w4), dot(x6, w5), dot(x6, w6), dot(x6, w7));
    a70 += vec4f(dot(x7, w0), dot(x7, w1), dot(x7, w2), dot(x7, w3));
    a71 += vec4f(dot(x7, w4), dot(x7, w5), dot(x7, w6), dot(x7, w7));
  }
  let acc = array<vec4f, 16>(a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71);
  for (var r = 0u; r < 8u; r++) {
    let b = b0 + r;
    if (b >= p.batch) {
      break;
    }
    for (var c = 0u; c < 8u; c++) {
      let o = o0 + c;
      if (o < p.out_f) {
        y[b * p.out_f + o] = acc[r * 2u + c / 4u][c % 4u] + bias[o];
      }
    }
  }
}
