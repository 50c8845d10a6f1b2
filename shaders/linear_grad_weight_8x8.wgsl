// linear_grad_weight, 8 outputs x 8 inputs per invocation (in_f % 4 == 0): the same sums in
// the same order as linear_grad_weight_vec4 (dense: missing weights get a gradient too).
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dw: array<vec4f>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i4 = gid.x * 2u;
  let o0 = gid.y * 8u;
  let k4 = p.in_f / 4u;
  if (i4 >= k4 || o0 >= p.out_f) {
    return;
  }
  let i4b = min(i4 + 1u, k4 - 1u);
  let last_o = p.out_f - 1u;
  let oc0 = min(o0 + 0u, last_o);
  let oc1 = min(o0 + 1u, last_o);
  let oc2 = min(o0 + 2u, last_o);
  let oc3 = min(o0 + 3u, last_o);
  let oc4 = min(o0 + 4u, last_o);
  let oc5 = min(o0 + 5u, last_o);
  let oc6 = min(o0 + 6u, last_o);
  let oc7 = min(o0 + 7u, last_o);
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
  for (var b = 0u; b < p.batch; b++) {
    let xa = x[b * k4 + i4];
    let xb = x[b * k4 + i4b];
    let drow = b * p.out_f;
    let d0 = dy[drow + oc0];
    let d1 = dy[drow + oc1];
    let d2 = dy[drow + oc2];
    let d3 = dy[drow + oc3];
    let d4 = dy[drow + oc4];
    let d5 = dy[drow + oc5];
    let d6 = dy[drow + oc6];
    let d7 = dy[drow + oc7];
    a00 += d0 * xa;
    a01 += d0 * xb;
    a10 += d1 * xa;
    a11 += d1 * xb;
    a20 += d2 * xa;
    a21 += d2 * xb;
    a30 += d3 * xa;
    a31 += d3 * xb;
    a40 += d4 * xa;
    a41 += d4 * xb;
    a50 += d5 * xa;
    a51 += d5 * xb;
    a60 += d6 * xa;
    a61 += d6 * xb;
    a70 += d7 * xa;
    a71 += d7 * xb;
  }
  if (o0 + 0u < p.out_f) {
    dw[(o0 + 0u) * k4 + i4] = a00;
    if (i4 + 1u < k4) {
      dw[(o0 + 0u) * k4 + i4 + 1u] = a01;
    }
  }
  if (o0 + 1u < p.out_f) {
    dw[(o0 + 1u) * k4 + i4] = a10;
    if (i4 + 1u < k4) {
      dw[(o0 + 1u) * k4 + i4 + 1u] = a11;
    }
  }
  if (o0 + 2u < p.out_f) {
    dw[(o0 + 2u) * k4 + i4] = a20;
    if (i4 + 1u < k4) {
      dw[(o0 + 2u) * k4 + i4 + 1u] = a21;
    }
  }
  if (o0 + 3u < p.out_f) {
    dw[(o0 + 3u) * k4 + i4] = a30;
    if (i4 + 1u < k4) {
      dw[(o0 + 3u) * k4 + i4 + 1u] = a31;
    }
  }
  if (o0 + 4u < p.out_f) {
    dw[(o0 + 4u) * k4 + i4] = a40;
    if (i4 + 1u < k4) {
      dw[(o0 + 4u) * k4 + i4 + 1u] = a41;
    }
  }
  if (o0 + 5u < p.out_f) {
    dw[(o0 + 5u) * k4 + i4] = a50;
    if (i4 + 1u < k4) {
      dw[(o0 + 5u) * k4 + i4 + 1u] = a51;
    }
  }
  if (o0 + 6u < p.out_f) {
    dw[(o0 + 6u) * k4 + i4] = a60;
    if (i4 + 1u < k4) {
      dw[(o0 + 6u) * k4 + i4 + 1u] = a61;
    }
  }
  if (o0 + 7u < p.out_f) {
    dw[(o0 + 7u) * k4 + i4] = a70;
    if (i4 + 1u < k4) {
      dw[(o0 + 7u) * k4 + i4 + 1u] = a71;
    }
  }
}
