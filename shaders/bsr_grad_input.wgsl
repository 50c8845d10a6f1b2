// bsr_grad_input: dx[b,i] = sum_o dy[b,o] * w[o,i] over the stored tiles of i's tile column only
// (block-CSR walked through its transposed index; no second copy of the values). BLOCK % 4 == 0
// and in_f % 4 == 0. Each invocation computes 4 samples x 4 inputs, summing over o in
// ascending order like linear_grad_input_vec4.
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
  let i4 = gid.x;
  let b0 = gid.y * 4u;
  let k4 = p.in_f / 4u;
  if (i4 >= k4 || b0 >= p.batch) {
    return;
  }
  let b4 = BLOCK / 4u;
  let tc = i4 / b4;
  let c4 = i4 % b4;
  let br = min(vec4u(b0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.batch - 1u)) * p.out_f;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
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
      let wv = vals[t + r * b4];
      let o = min(o0 + r, p.out_f - 1u);
      a0 += dy[br.x + o] * wv;
      a1 += dy[br.y + o] * wv;
      a2 += dy[br.z + o] * wv;
      a3 += dy[br.w + o] * wv;
    }
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
