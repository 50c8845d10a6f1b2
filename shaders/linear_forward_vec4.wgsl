// linear_forward for in_f % 4 == 0: y[b,o] = sum_i x[b,i] * w[o,i] + bias[o], reading x and w
// as vec4 along i (four dot products per load pair). Each invocation computes 4 samples x 4 outputs.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  pad: u32,
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
  let o0 = gid.x * 4u;
  let b0 = gid.y * 4u;
  if (o0 >= p.out_f || b0 >= p.batch) {
    return;
  }
  let k4 = p.in_f / 4u;
  // Rows past the edge are clamped for loading and never stored.
  let wr = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.out_f - 1u)) * k4;
  let xr = min(vec4u(b0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.batch - 1u)) * k4;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var k = 0u; k < k4; k++) {
    let w0 = w[wr.x + k];
    let w1 = w[wr.y + k];
    let w2 = w[wr.z + k];
    let w3 = w[wr.w + k];
    let x0 = x[xr.x + k];
    let x1 = x[xr.y + k];
    let x2 = x[xr.z + k];
    let x3 = x[xr.w + k];
    a0 += vec4f(dot(x0, w0), dot(x0, w1), dot(x0, w2), dot(x0, w3));
    a1 += vec4f(dot(x1, w0), dot(x1, w1), dot(x1, w2), dot(x1, w3));
    a2 += vec4f(dot(x2, w0), dot(x2, w1), dot(x2, w2), dot(x2, w3));
    a3 += vec4f(dot(x3, w0), dot(x3, w1), dot(x3, w2), dot(x3, w3));
  }
  let ob0 = min(vec4u(o0 + 0u) + vec4u(0u, 1u, 2u, 3u), vec4u(p.out_f - 1u));
  let bv0 = vec4f(bias[ob0.x], bias[ob0.y], bias[ob0.z], bias[ob0.w]);
  if (b0 + 0u < p.batch) {
    let row = (b0 + 0u) * p.out_f + o0;
    y[row] = a0.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a0.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a0.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a0.w + bv0.w;
    }
  }
  if (b0 + 1u < p.batch) {
    let row = (b0 + 1u) * p.out_f + o0;
    y[row] = a1.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a1.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a1.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a1.w + bv0.w;
    }
  }
  if (b0 + 2u < p.batch) {
    let row = (b0 + 2u) * p.out_f + o0;
    y[row] = a2.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a2.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a2.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a2.w + bv0.w;
    }
  }
  if (b0 + 3u < p.batch) {
    let row = (b0 + 3u) * p.out_f + o0;
    y[row] = a3.x + bv0.x;
    if (o0 + 1u < p.out_f) {
      y[row + 1u] = a3.y + bv0.y;
    }
    if (o0 + 2u < p.out_f) {
      y[row + 2u] = a3.z + bv0.z;
    }
    if (o0 + 3u < p.out_f) {
      y[row + 3u] = a3.w + bv0.w;
    }
  }
}
