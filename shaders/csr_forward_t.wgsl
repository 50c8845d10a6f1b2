// csr_forward on transposed activations xt[i][b] (batch % 4 == 0): y[b,o] = sum over the stored
// weights of row o of xt[i][b] * w[o,i], plus bias[o]. Each invocation computes one output for
// 32 samples; a stored weight costs eight vec4 loads of one input feature over those samples.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xt: array<vec4f>;
@group(0) @binding(2) var<storage, read> vals: array<f32>;
@group(0) @binding(3) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(4) var<storage, read> col_idx: array<u32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = gid.x;
  let b0 = gid.y * 32u;
  if (o >= p.out_f || b0 >= p.batch) {
    return;
  }
  let b4 = p.batch / 4u;
  let g0 = b0 / 4u;
  // Sample groups past the batch read the last group again and are never stored.
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
  let end = row_ptr[o + 1u];
  for (var k = row_ptr[o]; k < end; k++) {
    let col = ((col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu) * b4;
    let w = vals[k];
    a0 += w * xt[col + g0];
    a1 += w * xt[col + g1];
    a2 += w * xt[col + g2];
    a3 += w * xt[col + g3];
    a4 += w * xt[col + g4];
    a5 += w * xt[col + g5];
    a6 += w * xt[col + g6];
    a7 += w * xt[col + g7];
  }
  let bo = bias[o];
  if (b0 + 0u < p.batch) {
    y[(b0 + 0u) * p.out_f + o] = a0.x + bo;
  }
  if (b0 + 1u < p.batch) {
    y[(b0 + 1u) * p.out_f + o] = a0.y + bo;
  }
  if (b0 + 2u < p.batch) {
    y[(b0 + 2u) * p.out_f + o] = a0.z + bo;
  }
  if (b0 + 3u < p.batch) {
    y[(b0 + 3u) * p.out_f + o] = a0.w + bo;
  }
  if (b0 + 4u < p.batch) {
    y[(b0 + 4u) * p.out_f + o] = a1.x + bo;
  }
  if (b0 + 5u < p.batch) {
    y[(b0 + 5u) * p.out_f + o] = a1.y + bo;
  }
  if (b0 + 6u < p.batch) {
    y[(b0 + 6u) * p.out_f + o] = a1.z + bo;
  }
  if (b0 + 7u < p.batch) {
    y[(b0 + 7u) * p.out_f + o] = a1.w + bo;
  }
  if (b0 + 8u < p.batch) {
    y[(b0 + 8u) * p.out_f + o] = a2.x + bo;
  }
  if (b0 + 9u < p.batch) {
    y[(b0 + 9u) * p.out_f + o] = a2.y + bo;
  }
  if (b0 + 10u < p.batch) {
    y[(b0 + 10u) * p.out_f + o] = a2.z + bo;
  }
  if (b0 + 11u < p.batch) {
    y[(b0 + 11u) * p.out_f + o] = a2.w + bo;
  }
  if (b0 + 12u < p.batch) {
    y[(b0 + 12u) * p.out_f + o] = a3.x + bo;
  }
  if (b0 + 13u < p.batch) {
    y[(b0 + 13u) * p.out_f + o] = a3.y + bo;
  }
  if (b0 + 14u < p.batch) {
    y[(b0 + 14u) * p.out_f + o] = a3.z + bo;
  }
  if (b0 + 15u < p.batch) {
    y[(b0 + 15u) * p.out_f + o] = a3.w + bo;
  }
  if (b0 + 16u < p.batch) {
    y[(b0 + 16u) * p.out_f + o] = a4.x + bo;
  }
  if (b0 + 17u < p.batch) {
    y[(b0 + 17u) * p.out_f + o] = a4.y + bo;
  }
  if (b0 + 18u < p.batch) {
    y[(b0 + 18u) * p.out_f + o] = a4.z + bo;
  }
  if (b0 + 19u < p.batch) {
    y[(b0 + 19u) * p.out_f + o] = a4.w + bo;
  }
  if (b0 + 20u < p.batch) {
    y[(b0 + 20u) * p.out_f + o] = a5.x + bo;
  }
  if (b0 + 21u < p.batch) {
    y[(b0 + 21u) * p.out_f + o] = a5.y + bo;
  }
  if (b0 + 22u < p.batch) {
    y[(b0 + 22u) * p.out_f + o] = a5.z + bo;
  }
  if (b0 + 23u < p.batch) {
    y[(b0 + 23u) * p.out_f + o] = a5.w + bo;
  }
  if (b0 + 24u < p.batch) {
    y[(b0 + 24u) * p.out_f + o] = a6.x + bo;
  }
  if (b0 + 25u < p.batch) {
    y[(b0 + 25u) * p.out_f + o] = a6.y + bo;
  }
  if (b0 + 26u < p.batch) {
    y[(b0 + 26u) * p.out_f + o] = a6.z + bo;
  }
  if (b0 + 27u < p.batch) {
    y[(b0 + 27u) * p.out_f + o] = a6.w + bo;
  }
  if (b0 + 28u < p.batch) {
    y[(b0 + 28u) * p.out_f + o] = a7.x + bo;
  }
  if (b0 + 29u < p.batch) {
    y[(b0 + 29u) * p.out_f + o] = a7.y + bo;
  }
  if (b0 + 30u < p.batch) {
    y[(b0 + 30u) * p.out_f + o] = a7.z + bo;
  }
  if (b0 + 31u < p.batch) {
    y[(b0 + 31u) * p.out_f + o] = a7.w + bo;
  }
}
