// csr_grad_input: dx[b,i] = sum over the stored weights of column i of dy[b,o] * w[o,i]
// (unstructured CSR walked through its transposed index). Each invocation computes one input
// for 16 samples.
struct Params {
  batch: u32,
  in_f: u32,
  out_f: u32,
  block_rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
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
  let last = p.batch - 1u;
  let s = vec4u(0u, 1u, 2u, 3u);
  let r0 = min(vec4u(b0) + s, vec4u(last)) * p.out_f;
  let r1 = min(vec4u(b0 + 4u) + s, vec4u(last)) * p.out_f;
  let r2 = min(vec4u(b0 + 8u) + s, vec4u(last)) * p.out_f;
  let r3 = min(vec4u(b0 + 12u) + s, vec4u(last)) * p.out_f;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  let end = col_ptr[i + 1u];
  for (var j = col_ptr[i]; j < end; j++) {
    let e = t_entry[j];
    let o = e & 0xffffu;
    let w = vals[row_ptr[o] + (e >> 16u)];
    a0 += w * vec4f(dy[r0.x + o], dy[r0.y + o], dy[r0.z + o], dy[r0.w + o]);
    a1 += w * vec4f(dy[r1.x + o], dy[r1.y + o], dy[r1.z + o], dy[r1.w + o]);
    a2 += w * vec4f(dy[r2.x + o], dy[r2.y + o], dy[r2.z + o], dy[r2.w + o]);
    a3 += w * vec4f(dy[r3.x + o], dy[r3.y + o], dy[r3.z + o], dy[r3.w + o]);
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
