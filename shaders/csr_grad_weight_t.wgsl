// csr_grad_weight on transposed activations and output gradients (batch % 4 == 0): for stored
// weight k = (o, i), dw[k] = dot(dyt[o][:], xt[i][:]) over the batch, four samples per load.
// Invocation (o, s) takes the row's weights s, s + SLOTS, ...
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dyt: array<vec4f>;
@group(0) @binding(2) var<storage, read> xt: array<vec4f>;
@group(0) @binding(3) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(4) var<storage, read> col_idx: array<u32>;
@group(0) @binding(5) var<storage, read_write> dw: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override SLOTS: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = gid.x;
  let s = gid.y;
  if (o >= p.out_f || s >= SLOTS) {
    return;
  }
  let b4 = p.batch / 4u;
  let drow = o * b4;
  let end = row_ptr[o + 1u];
  for (var k = row_ptr[o] + s; k < end; k += SLOTS) {
    let xrow = ((col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu) * b4;
    var acc = vec4f(0.0);
    for (var g = 0u; g < b4; g++) {
      acc += dyt[drow + g] * xt[xrow + g];
    }
    dw[k] = acc.x + acc.y + acc.z + acc.w;
  }
}
