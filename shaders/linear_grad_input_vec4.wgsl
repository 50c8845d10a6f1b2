// linear_grad_input for in_f % 4 == 0: dx[b,i] = sum_o dy[b,o] * w[o,i], reading w and
// writing dx as vec4 along i. Each invocation computes 4 samples x 4 inputs.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4f>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i4 = gid.x;
  let b0 = gid.y * 4u;
  let k4 = p.in_f / 4u;
  if (i4 >= k4 || b0 >= p.batch) {
    return;
  }
  let br = min(vec4u(b0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.batch - 1u)) * p.out_f;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var o = 0u; o < p.out_f; o++) {
    let wv = w[o * k4 + i4];
    a0 += dy[br.x + o] * wv;
    a1 += dy[br.y + o] * wv;
    a2 += dy[br.z + o] * wv;
    a3 += dy[br.w + o] * wv;
  }
  if (b0 + 0u < p.batch) {
    dx[(b0 + 0u) * k4 + i4] = a0;
  }
  if (b0 + 1u < p.batch) {
    dx[(b0 + 1u) * k4 + i4] = a1;
  }
  if (b0 + 2u < p.batch) {
    dx[(b0 + 2u) * k4 + i4] = a2;
  }
  if (b0 + 3u < p.batch) {
    dx[(b0 + 3u) * k4 + i4] = a3;
  }
}
