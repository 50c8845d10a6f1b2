// transpose for rows % 4 == 0 and cols % 4 == 0: dst[c][r] = src[r][c], a 4 x 4 tile per
// invocation (four vec4 loads, four vec4 stores).
struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let r4 = p.rows / 4u;
  let c4 = p.cols / 4u;
  if (i >= r4 * c4) {
    return;
  }
  // Consecutive invocations take consecutive column groups of the same rows.
  let rg = i / c4;
  let cg = i - rg * c4;
  let base = rg * 4u * c4 + cg;
  let m0 = src[base];
  let m1 = src[base + c4];
  let m2 = src[base + 2u * c4];
  let m3 = src[base + 3u * c4];
  let out = cg * 4u * r4 + rg;
  dst[out] = vec4f(m0.x, m1.x, m2.x, m3.x);
  dst[out + r4] = vec4f(m0.y, m1.y, m2.y, m3.y);
  dst[out + 2u * r4] = vec4f(m0.z, m1.z, m2.z, m3.z);
  dst[out + 3u * r4] = vec4f(m0.w, m1.w, m2.w, m3.w);
}
