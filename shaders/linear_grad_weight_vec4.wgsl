// linear_grad_weight for in_f % 4 == 0: dw[o,i] = sum_b dy[b,o] * x[b,i], reading x and
// writing dw as vec4 along i (dense: missing weights get a gradient too, which growth reads).
// Each invocation computes 4 outputs x 4 inputs.
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
  let i4 = gid.x;
  let o0 = gid.y * 4u;
  let k4 = p.in_f / 4u;
  if (i4 >= k4 || o0 >= p.out_f) {
    return;
  }
  let oc = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.out_f - 1u));
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var b = 0u; b < p.batch; b++) {
    let xv = x[b * k4 + i4];
    let drow = b * p.out_f;
    a0 += dy[drow + oc.x] * xv;
    a1 += dy[drow + oc.y] * xv;
    a2 += dy[drow + oc.z] * xv;
    a3 += dy[drow + oc.w] * xv;
  }
  if (o0 + 0u < p.out_f) {
    dw[(o0 + 0u) * k4 + i4] = a0;
  }
  if (o0 + 1u < p.out_f) {
    dw[(o0 + 1u) * k4 + i4] = a1;
  }
  if (o0 + 2u < p.out_f) {
    dw[(o0 + 2u) * k4 + i4] = a2;
  }
  if (o0 + 3u < p.out_f) {
    dw[(o0 + 3u) * k4 + i4] = a3;
  }
}
