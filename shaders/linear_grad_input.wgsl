// dx[b,i] = sum_o dy[b,o] * w[o,i]. Each invocation computes 4 samples x 4 inputs.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i0 = gid.x * 4u;
  let b0 = gid.y * 4u;
  if (i0 >= p.in_f || b0 >= p.batch) {
    return;
  }
  let ic = min(vec4u(i0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.in_f - 1u));
  let br = min(vec4u(b0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.batch - 1u)) * p.out_f;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var o = 0u; o < p.out_f; o++) {
    let row = o * p.in_f;
    let wv = vec4f(w[row + ic.x], w[row + ic.y], w[row + ic.z], w[row + ic.w]);
    a0 += dy[br.x + o] * wv;
    a1 += dy[br.y + o] * wv;
    a2 += dy[br.z + o] * wv;
    a3 += dy[br.w + o] * wv;
  }
  var acc = array<vec4f, 4>(a0, a1, a2, a3);
  for (var r = 0u; r < 4u; r++) {
    let b = b0 + r;
    if (b >= p.batch) {
      break;
    }
    for (var c = 0u; c < 4u; c++) {
      let i = i0 + c;
      if (i < p.in_f) {
        dx[b * p.in_f + i] = acc[r][c];
      }
    }
  }
}
