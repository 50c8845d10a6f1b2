// csr_grad_input on transposed output gradients dyt[o][b] (batch % 4 == 0): dx[b,i] = sum over
// the stored weights of column i of dyt[o][b] * w[o,i]. One input for 32 samples per invocation.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dyt: array<vec4f>;
@group(0) @binding(2) var<storage, read> vals: array<f32>;
@group(0) @binding(3) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(4) var<storage, read> col_ptr: array<u32>;
@group(0) @binding(5) var<storage, read> t_entry: array<u32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let b0 = gid.y * 32u;
  if (i >= p.in_f || b0 >= p.batch) {
    return;
  }
  let b4 = p.batch / 4u;
  let g0 = b0 / 4u;
  let g1 = min(g0 + 1u, b4 - 1u);
  let g2 = min(g0 + 2u, b4 - 1u);
  let g3 = min(g0 + 3u, b4 - 1u);
  let g4 = min(g0 + 4u, b4 - 1u);
  let g5 = min(g0 + 5u, b4 - 1u);
  let g6 = min(g0 + 6u, b4 - 1u);
  let g7 = min(g0 + 7u, b4 - 1u);
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  var a4 = vec4f(0.0);
  var a5 = vec4f(0.0);
  var a6 = vec4f(0.0);
  var a7 = vec4f(0.0);
  let end = col_ptr[i + 1u];
  for (var j = col_ptr[i]; j < end; j++) {
    let e = t_entry[j];
    let o = e & 0xffffu;
    let w = vals[row_ptr[o] + (e >> 16u)];
    let row = o * b4;
    a0 += w * dyt[row + g0];
    a1 += w * dyt[row + g1];
    a2 += w * dyt[row + g2];
    a3 += w * dyt[row + g3];
    a4 += w * dyt[row + g4];
    a5 += w * dyt[row + g5];
    a6 += w * dyt[row + g6];
    a7 += w * dyt[row + g7];
  }
  if (b0 + 0u < p.batch) {
    dx[(b0 + 0u) * p.in_f + i] = a0.x;
  }
  if (b0 + 1u < p.batch) {
    dx[(b0 + 1u) * p.in_f + i] = a0.y;
  }
  if (b0 + 2u < p.batch) {
    dx[(b0 + 2u) * p.in_f + i] = a0.z;
  }
  if (b0 + 3u < p.batch) {
    dx[(b0 + 3u) * p.in_f + i] = a0.w;
  }
  if (b0 + 4u < p.batch) {
    dx[(b0 + 4u) * p.in_f + i] = a1.x;
  }
  if (b0 + 5u < p.batch) {
    dx[(b0 + 5u) * p.in_f + i] = a1.y;
  }
  if (b0 + 6u < p.batch) {
    dx[(b0 + 6u) * p.in_f + i] = a1.z;
  }
  if (b0 + 7u < p.batch) {
    dx[(b0 + 7u) * p.in_f + i] = a1.w;
  }
  if (b0 + 8u < p.batch) {
    dx[(b0 + 8u) * p.in_f + i] = a2.x;
  }
  if (b0 + 9u < p.batch) {
    dx[(b0 + 9u) * p.in_f + i] = a2.y;
  }
  if (b0 + 10u < p.batch) {
    dx[(b0 + 10u) * p.in_f + i] = a2.z;
  }
  if (b0 + 11u < p.batch) {
    dx[(b0 + 11u) * p.in_f + i] = a2.w;
  }
  if (b0 + 12u < p.batch) {
    dx[(b0 + 12u) * p.in_f + i] = a3.x;
  }
  if (b0 + 13u < p.batch) {
    dx[(b0 + 13u) * p.in_f + i] = a3.y;
  }
  if (b0 + 14u < p.batch) {
    dx[(b0 + 14u) * p.in_f + i] = a3.z;
  }
  if (b0 + 15u < p.batch) {
    dx[(b0 + 15u) * p.in_f + i] = a3.w;
  }
  if (b0 + 16u < p.batch) {
    dx[(b0 + 16u) * p.in_f + i] = a4.x;
  }
  if (b0 + 17u < p.batch) {
    dx[(b0 + 17u) * p.in_f + i] = a4.y;
  }
  if (b0 + 18u < p.batch) {
    dx[(b0 + 18u) * p.in_f + i] = a4.z;
  }
  if (b0 + 19u < p.batch) {
    dx[(b0 + 19u) * p.in_f + i] = a4.w;
  }
  if (b0 + 20u < p.batch) {
    dx[(b0 + 20u) * p.in_f + i] = a5.x;
  }
  if (b0 + 21u < p.batch) {
    dx[(b0 + 21u) * p.in_f + i] = a5.y;
  }
  if (b0 + 22u < p.batch) {
    dx[(b0 + 22u) * p.in_f + i] = a5.z;
  }
  if (b0 + 23u < p.batch) {
    dx[(b0 + 23u) * p.in_f + i] = a5.w;
  }
  if (b0 + 24u < p.batch) {
    dx[(b0 + 24u) * p.in_f + i] = a6.x;
  }
  if (b0 + 25u < p.batch) {
    dx[(b0 + 25u) * p.in_f + i] = a6.y;
  }
  if (b0 + 26u < p.batch) {
    dx[(b0 + 26u) * p.in_f + i] = a6.z;
  }
  if (b0 + 27u < p.batch) {
    dx[(b0 + 27u) * p.in_f + i] = a6.w;
  }
  if (b0 + 28u < p.batch) {
    dx[(b0 + 28u) * p.in_f + i] = a7.x;
  }
  if (b0 + 29u < p.batch) {
    dx[(b0 + 29u) * p.in_f + i] = a7.y;
  }
  if (b0 + 30u < p.batch) {
    dx[(b0 + 30u) * p.in_f + i] = a7.z;
  }
  if (b0 + 31u < p.batch) {
    dx[(b0 + 31u) * p.in_f + i] = a7.w;
  }
}
