// bsr_grad_input, 8 samples x 8 inputs per invocation (BLOCK % 8 == 0, in_f % 4 == 0): the
// same sums in the same order as bsr_grad_input, over the stored tiles of the column only.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> vals: array<vec4f>;
@group(0) @binding(3) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(4) var<storage, read> col_ptr: array<u32>;
@group(0) @binding(5) var<storage, read> t_entry: array<u32>;
@group(0) @binding(6) var<storage, read_write> dx: array<vec4f>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override BLOCK: u32 = 16u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i4 = gid.x * 2u;
  let b0 = gid.y * 8u;
  let k4 = p.in_f / 4u;
  if (i4 >= k4 || b0 >= p.batch) {
    return;
  }
  let b4 = BLOCK / 4u;
  let tc = i4 / b4;
  let c4 = i4 % b4;
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
  let end = col_ptr[tc + 1u];
  for (var j = col_ptr[tc]; j < end; j++) {
    let e = t_entry[j];
    let tr = e & 0xffffu;
    let k = row_ptr[tr] + (e >> 16u);
    let o0 = tr * BLOCK;
    // A constant trip count (unrollable); rows past the last output read the last row of dy
    // against the tile's zero padding, adding exact zeros.
    let t = k * BLOCK * b4 + c4;
    for (var r = 0u; r < BLOCK; r++) {
      let o = min(o0 + r, p.out_f - 1u);
      let wa = vals[t + r * b4];
      let wb = vals[t + r * b4 + 1u];
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
  }
  if (b0 + 0u < p.batch) {
    dx[(b0 + 0u) * k4 + i4] = a00;
    if (i4 + 1u < k4) {
      dx[(b0 + 0u) * k4 + i4 + 1u] = a01;
    }
  }
  if (b0 + 1u < p.batch) {
    dx[(b0 + 1u) * k4 + i4] = a10;
    if (i4 + 1u < k4) {
      dx[(b0 + 1u) * k4 + i4 + 1u] = a11;
    }
  }
  if (b0 + 2u < p.batch) {
    dx[(b0 + 2u) * k4 + i4] = a20;
    if (i4 + 1u < k4) {
      dx[(b0 + 2u) * k4 + i4 + 1u] = a21;
    }
  }
  if (b0 + 3u < p.batch) {
    dx[(b0 + 3u) * k4 + i4] = a30;
    if (i4 + 1u < k4) {
      dx[(b0 + 3u) * k4 + i4 + 1u] = a31;
    }
  }
  if (b0 + 4u < p.batch) {
    dx[(b0 + 4u) * k4 + i4] = a40;
    if (i4 + 1u < k4) {
      dx[(b0 + 4u) * k4 + i4 + 1u] = a41;
    }
  }
  if (b0 + 5u < p.batch) {
    dx[(b0 + 5u) * k4 + i4] = a50;
    if (i4 + 1u < k4) {
      dx[(b0 + 5u) * k4 + i4 + 1u] = a51;
    }
  }
  if (b0 + 6u < p.batch) {
    dx[(b0 + 6u) * k4 + i4] = a60;
    if (i4 + 1u < k4) {
      dx[(b0 + 6u) * k4 + i4 + 1u] = a61;
    }
  }
  if (b0 + 7u < p.batch) {
    dx[(b0 + 7u) * k4 + i4] = a70;
    if (i4 + 1u < k4) {
      dx[(b0 + 7u) * k4 + i4 + 1u] = a71;
    }
  }
}
