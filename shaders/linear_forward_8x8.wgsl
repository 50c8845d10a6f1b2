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
  let ob0 = min(vec4u(o0 + 0u) + vec4u(0u, 1u, 2u, 3u), vec4u(p.out_f - 1u));
  let bv0 = vec4f(bias[ob0.x], bias[ob0.y], bias[ob0.z], bias[ob0.w]);
  let ob1 = min(vec4u(o0 + 4u) + vec4u(0u, 1u, 2u, 3u), vec4u(p.out_f - 1u));
  let bv1 = vec4f(bias[ob1.x], bias[ob1.y], bias[ob1.z], bias[ob1.w]);
  if (b0 + 0u < p.batch) {
    let row = (b0 + 0u) * p.out_f + o0;
    y[row] = a00.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a00.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a00.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a00.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a01.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a01.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a01.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a01.w + bv1.w;
    }
  }
  if (b0 + 1u < p.batch) {
    let row = (b0 + 1u) * p.out_f + o0;
    y[row] = a10.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a10.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a10.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a10.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a11.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a11.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a11.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a11.w + bv1.w;
    }
  }
  if (b0 + 2u < p.batch) {
    let row = (b0 + 2u) * p.out_f + o0;
    y[row] = a20.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a20.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a20.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a20.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a21.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a21.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a21.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a21.w + bv1.w;
    }
  }
  if (b0 + 3u < p.batch) {
    let row = (b0 + 3u) * p.out_f + o0;
    y[row] = a30.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a30.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a30.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a30.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a31.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a31.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a31.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a31.w + bv1.w;
    }
  }
  if (b0 + 4u < p.batch) {
    let row = (b0 + 4u) * p.out_f + o0;
    y[row] = a40.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a40.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a40.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a40.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a41.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a41.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a41.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a41.w + bv1.w;
    }
  }
  if (b0 + 5u < p.batch) {
    let row = (b0 + 5u) * p.out_f + o0;
    y[row] = a50.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a50.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a50.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a50.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a51.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a51.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a51.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a51.w + bv1.w;
    }
  }
  if (b0 + 6u < p.batch) {
    let row = (b0 + 6u) * p.out_f + o0;
    y[row] = a60.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a60.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a60.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a60.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a61.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a61.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a61.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a61.w + bv1.w;
    }
  }
  if (b0 + 7u < p.batch) {
    let row = (b0 + 7u) * p.out_f + o0;
    y[row] = a70.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a70.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a70.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a70.w + bv0.w;
    }
    if (o0 + 4u < p.out_f) {
      y[row + 4u] = a71.x + bv1.x;
    }
    if (o0 + 5u < p.out_f) {
      y[row + 5u] = a71.y + bv1.y;
    }
    if (o0 + 6u < p.out_f) {
      y[row + 6u] = a71.z + bv1.z;
    }
    if (o0 + 7u < p.out_f) {
      y[row + 7u] = a71.w + bv1.w;
    }
  }
}
