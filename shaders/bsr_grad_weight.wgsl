// bsr_grad_weight: the weight gradient of the stored tiles only, dw[o,i] = sum_b dy[b,o] * x[b,i],
// written in the tiles' own layout (padding rows and columns get 0). BLOCK % 4 == 0 and
// in_f % 4 == 0. Invocation (x, y) computes a 4 x 4 patch at column group x % (BLOCK/4) and
// rows 4y..4y+3 of every stored tile in that tile row, summing over b like
// linear_grad_weight_vec4.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<vec4f>;
@group(0) @binding(3) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(4) var<storage, read> col_idx: array<u32>;
@group(0) @binding(5) var<storage, read_write> dw: array<vec4f>;

override WG_X: u32 = 4u;
override WG_Y: u32 = 16u;
override BLOCK: u32 = 16u;

fn tile_col(k: u32) -> u32 {
  return (col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let b4 = BLOCK / 4u;
  let c4 = gid.x;
  let o0 = gid.y * 4u;
  if (c4 >= b4 || o0 >= p.block_rows * BLOCK) {
    return;
  }
  let tr = o0 / BLOCK;
  let r0 = o0 % BLOCK;
  let k4 = p.in_f / 4u;
  let last = p.out_f - 1u;
  let oc = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(last));
  let live = (vec4u(o0) + vec4u(0u, 1u, 2u, 3u)) <= vec4u(last);
  let end = row_ptr[tr + 1u];
  for (var k = row_ptr[tr]; k < end; k++) {
    let i4 = tile_col(k) * b4 + c4;
    var a0 = vec4f(0.0);
    var a1 = vec4f(0.0);
    var a2 = vec4f(0.0);
    var a3 = vec4f(0.0);
    if (i4 < k4) {
      for (var b = 0u; b < p.batch; b++) {
        let xv = x[b * k4 + i4];
        let drow = b * p.out_f;
        a0 += dy[drow + oc.x] * xv;
        a1 += dy[drow + oc.y] * xv;
        a2 += dy[drow + oc.z] * xv;
        a3 += dy[drow + oc.w] * xv;
      }
    }
    let t = k * BLOCK * b4 + r0 * b4 + c4;
    dw[t] = select(vec4f(0.0), a0, live.x);
    dw[t + b4] = select(vec4f(0.0), a1, live.y);
    dw[t + 2u * b4] = select(vec4f(0.0), a2, live.z);
    dw[t + 3u * b4] = select(vec4f(0.0), a3, live.w);
  }
}
