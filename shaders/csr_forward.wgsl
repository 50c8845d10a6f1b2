// csr_forward: y[b,o] = sum over the stored weights of row o of x[b,i] * w[o,i], plus bias[o]
// (unstructured CSR; missing weights cost nothing). Each invocation computes one output for 16
// samples, so each stored weight is loaded once per 16 samples.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
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
  let last = p.batch - 1u;
  let s = vec4u(0u, 1u, 2u, 3u);
  let r0 = min(vec4u(b0) + s, vec4u(last)) * p.in_f;
  let r1 = min(vec4u(b0 + 4u) + s, vec4u(last)) * p.in_f;
  let r2 = min(vec4u(b0 + 8u) + s, vec4u(last)) * p.in_f;
  let r3 = min(vec4u(b0 + 12u) + s, vec4u(last)) * p.in_f;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  let end = row_ptr[o + 1u];
  for (var k = row_ptr[o]; k < end; k++) {
    let i = (col_idx[k >> 1u] >> ((k & 1u) * 16u)) & 0xffffu;
    let w = vals[k];
    a0 += w * vec4f(x[r0.x + i], x[r0.y + i], x[r0.z + i], x[r0.w + i]);
    a1 += w * vec4f(x[r1.x + i], x[r1.y + i], x[r1.z + i], x[r1.w + i]);
    a2 += w * vec4f(x[r2.x + i], x[r2.y + i], x[r2.z + i], x[r2.w + i]);
    a3 += w * vec4f(x[r3.x + i], x[r3.y + i], x[r3.z + i], x[r3.w + i]);
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
