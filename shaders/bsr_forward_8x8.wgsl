// bsr_forward, 8 samples x 8 outputs per invocation (BLOCK % 8 == 0, in_f % 4 == 0): the
// same sums in the same order as bsr_forward and linear_forward_vec4, over stored tiles only.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> vals: array<vec4f>;
@group(0) @binding(3) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(4) var<storage, read> col_idx: array<u32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override BLOCK: u32 = 16u;

fn tile_col(k: u32) -> u32 {
  return (col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o0 = gid.x * 8u;
  let b0 = gid.y * 8u;
  if (o0 >= p.out_f || b0 >= p.batch) {
    return;
  }
  let tr = o0 / BLOCK;
  let r0 = o0 % BLOCK;
  let k4 = p.in_f / 4u;
  let b4 = BLOCK / 4u;
  let last_b = p.batch - 1u;
  let xr0 = min(b0 + 0u, last_b) * k4;
  let xr1 = min(b0 + 1u, last_b) * k4;
  let xr2 = min(b0 + 2u, last_b) * k4;
  let xr3 = min(b0 + 3u, last_b) * k4;
  let xr4 = min(b0 + 4u, last_b) * k4;
  let xr5 = min(b0 + 5u, last_b) * k4;
  let xr6 = min(b0 + 6u, last_b) * k4;
  let xr7 = min(b0 + 7u, last_b) * k4;
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
  let end = row_ptr[tr + 1u];
  for (var k = row_ptr[tr]; k < end; k++) {
    let col4 = tile_col(k) * b4;
    let t = k * BLOCK * b4 + r0 * b4;
    let n4 = min(b4, k4 - col4);
    for (var c = 0u; c < n4; c++) {
      let w0 = vals[t + 0u * b4 + c];
      let w1 = vals[t + 1u * b4 + c];
      let w2 = vals[t + 2u * b4 + c];
      let w3 = vals[t + 3u * b4 + c];
      let w4 = vals[t + 4u * b4 + c];
      let w5 = vals[t + 5u * b4 + c];
      let w6 = vals[t + 6u * b4 + c];
      let w7 = vals[t + 7u * b4 + c];
      let x0 = x[xr0 + col4 + c];
      let x1 = x[xr1 + col4 + c];
      let x2 = x[xr2 + col4 + c];
      let x3 = x[xr3 + col4 + c];
      let x4 = x[xr4 + col4 + c];
      let x5 = x[xr5 + col4 + c];
      let x6 = x[xr6 + col4 + c];
      let x7 = x[xr7 + col4 + c];
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
