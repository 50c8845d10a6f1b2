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
