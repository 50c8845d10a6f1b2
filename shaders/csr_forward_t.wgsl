// csr_forward on transposed activations xt[i][b] (batch % 4 == 0): y[b,o] = sum over the stored
// weights of row o of xt[i][b] * w[o,i], plus bias[o]. Each invocation computes one output for
// 16 samples; a stored weight costs four vec4 loads of one input feature over those samples.
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
  let b0 = gid.y * 16u;
  if (o >= p.out_f || b0 >= p.batch) {
    return;
  }
  let b4 = p.batch / 4u;
  let g0 = b0 / 4u;
  // Sample groups past the batch read the last group again and are never stored.
  let g1 = min(g0 + 1u, b4 - 1u);
  let g2 = min(g0 + 2u, b4 - 1u);
  let g3 = min(g0 + 3u, b4 - 1u);
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  let end = row_ptr[o + 1u];
  for (var k = row_ptr[o]; k < end; k++) {
    let col = ((col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu) * b4;
    let w = vals[k];
    a0 += w * xt[col + g0];
    a1 += w * xt[col + g1];
    a2 += w * xt[col + g2];
    a3 += w * xt[col + g3];
  }
  let bo = bias[o];
  var acc = array<vec4f, 4>(a0, a1, a2, a3);
  for (var r = 0u; r < 16u; r++) {
    let b = b0 + r;
    if (b >= p.batch) {
      break;
    }
    y[b * p.out_f + o] = acc[r / 4u][r % 4u] + bo;
  }
}
