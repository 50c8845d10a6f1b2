// linear_grad_input, 8 samples x 8 inputs per invocation (in_f % 4 == 0): the same sums in
// the same order as linear_grad_input_vec4.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4f>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i4 = gid.x * 2u;
  let b0 = gid.y * 8u;
  let k4 = p.in_f / 4u;
  if (i4 >= k4 || b0 >= p.batch) {
    return;
  }
  let i4b = min(i4 + 1u, k4 - 1u);
  let last_b = p.batch - 1u;
  let br0 = min(b0 + 0u, last_b) * p.out_f;
  let br1 = min(b0 + 1u, last_b) * p.out_f;
  let br2 = min(b0 + 2u, last_b) * p.out_f;
  let br3 = min(b0 + 3u, last_b) * p.out_f;
  let br4 = min(b0 + 4u, last_b) * p.out_f;
  let br5 = min(b0 + 5u, last_b) * p.out_f;
  let br6 = min(b0 + 6u, last_b) * p.out_f;
  let br7 = min(b0 + 7u, last_b) * p.out_f;
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
  for (var o = 0u; o < p.out_f; o++) {
    let wa = w[o * k4 + i4];
    let wb = w[o * k4 + i4b];
    let d0 = dy[br0 + o];
    let d1 = dy[br1 + o];
    let d2 = dy[br2 + o];
    let d3 = dy[br3 + o];
    let d4 = dy[br4 + o];
    let d5 = dy[br5 + o];
    let d6 = dy[br6 + o];
    let d7 = dy[br7 + o];
    a00 += d0 * wa;
    a01 += d0 * wb;
    a10 += d1 * wa;
    a11 += d1 * wb;
    a20 += d2 * wa;
    a21 += d2 * wb;
    a30 += d3 * wa;
    a31 += d3 * wb;
    a40 += d4 * wa;
    a41 += d4 * wb;
    a50 += d5 * wa;
    a51 += d5 * wb;
    a60 += d6 * wa;
    a61 += d6 * wb;
    a70 += d7 * wa;
    a71 += d7 * wb;
  }
  let acc = array<vec4f, 16>(a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71);
  for (var r = 0u; r < 8u; r++) {
    let b = b0 + r;
    if (b >= p.batch) {
      break;
    }
    dx[b * k4 + i4] = acc[r * 2u];
    if (i4 + 1u < k4) {
      dx[b * k4 + i4 + 1u] = acc[r * 2u + 1u];
    }
  }
}
