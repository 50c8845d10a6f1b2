// bsr_forward: y[b,o] = sum over the stored b x b tiles of o's tile row of x[b,i] * w[o,i], plus
// bias[o] (block-CSR; missing tiles cost nothing). Tiles are BLOCK x BLOCK with BLOCK % 4 == 0
// and in_f % 4 == 0, so x and the tiles are read as vec4. Each invocation computes 4 samples x
// 4 outputs, summing in the same order as linear_forward_vec4 (the results match it exactly).
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> vals: array<vec4f>;
@group(0) @binding(3) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(4) var<storage, read> col_idx: array<u32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override BLOCK: u32 = 16u;

fn tile_col(k: u32) -> u32 {
  return (col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o0 = gid.x * 4u;
  let b0 = gid.y * 4u;
  if (o0 >= p.out_f || b0 >= p.batch) {
    return;
  }
  let tr = o0 / BLOCK;
  let r0 = o0 % BLOCK;
  let k4 = p.in_f / 4u;
  let b4 = BLOCK / 4u;
  let xr = min(vec4u(b0) + vec4u(0u, 1u, 2u, 3u), vec4u(p.batch - 1u)) * k4;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  let end = row_ptr[tr + 1u];
  for (var k = row_ptr[tr]; k < end; k++) {
    let col4 = tile_col(k) * b4;
    // Tile rows r0..r0+3 as vec4 runs of BLOCK/4 each.
    let t = k * BLOCK * b4 + r0 * b4;
    let n4 = min(b4, k4 - col4);
    for (var c = 0u; c < n4; c++) {
      let w0 = vals[t + c];
      let w1 = vals[t + b4 + c];
      let w2 = vals[t + 2u * b4 + c];
      let w3 = vals[t + 3u * b4 + c];
      let x0 = x[xr.x + col4 + c];
      let x1 = x[xr.y + col4 + c];
      let x2 = x[xr.z + col4 + c];
      let x3 = x[xr.w + col4 + c];
      a0 += vec4f(dot(x0, w0), dot(x0, w1), dot(x0, w2), dot(x0, w3));
      a1 += vec4f(dot(x1, w0), dot(x1, w1), dot(x1, w2), dot(x1, w3));
      a2 += vec4f(dot(x2, w0), dot(x2, w1), dot(x2, w2), dot(x2, w3));
      a3 += vec4f(dot(x3, w0), dot(x3, w1), dot(x3, w2), dot(x3, w3));
    }
  }
  var acc = array<vec4f, 4>(a0, a1, a2, a3);
  for (var r = 0u; r < 4u; r++) {
    let b = b0 + r;
    if (b >= p.batch) {
      break;
    }
    for (var c = 0u; c < 4u; c++) {
      let o = o0 + c;
      if (o < p.out_f) {
        y[b * p.out_f + o] = acc[r][c] + bias[o];
      }
    }
  }
}
