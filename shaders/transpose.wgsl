// transpose: out[c][r] = in[r][c] for a rows x cols matrix with rows % 4 == 0. Each invocation
// reads four rows of one column and writes them as one vec4, so the CSR kernels can read a
// column of activations (one input feature over 16 samples) as four vec4 loads.
struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r4 = p.rows / 4u;
  if (i >= r4 * p.cols) {
    return;
  }
  // Consecutive invocations take consecutive columns of the same rows (contiguous reads).
  let r = (i / p.cols) * 4u;
  let c = i % p.cols;
  let base = r * p.cols + c;
  dst[c * r4 + r / 4u] = vec4f(
    src[base],
    src[base + p.cols],
    src[base + 2u * p.cols],
    src[base + 3u * p.cols],
  );
}
