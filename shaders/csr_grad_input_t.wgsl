// csr_grad_input on transposed output gradients dyt[o][b] (batch % 4 == 0): dx[b,i] = sum over
// the stored weights of column i of dyt[o][b] * w[o,i]. One input for 16 samples per invocation.
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
  let b0 = gid.y * 16u;
  if (i >= p.in_f || b0 >= p.batch) {
    return;
  }
  let b4 = p.batch / 4u;
  let g0 = b0 / 4u;
  let g1 = min(g0 + 1u, b4 - 1u);
  let g2 = min(g0 + 2u, b4 - 1u);
  let g3 = min(g0 + 3u, b4 - 1u);
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
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
  }
  var acc = array<vec4f, 4>(a0, a1, a2, a3);
  for (var r = 0u; r < 16u; r++) {
    let b = b0 + r;
    if (b >= p.batch) {
      break;
    }
    dx[b * p.in_f + i] = acc[r / 4u][r % 4u];
  }
}
