// csr_grad_weight: the weight gradient of the stored weights only, dw[k] = sum_b dy[b,o] x[b,i]
// for stored weight k = (o, i), in the values' order. Invocation (o, s) takes the row's
// weights s, s + SLOTS, ...; each sums over the batch.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
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
  let end = row_ptr[o + 1u];
  for (var k = row_ptr[o] + s; k < end; k += SLOTS) {
    let i = (col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu;
    var acc = 0.0;
    for (var b = 0u; b < p.batch; b++) {
      acc += dy[b * p.out_f + o] * x[b * p.in_f + i];
    }
    dw[k] = acc;
  }
}
