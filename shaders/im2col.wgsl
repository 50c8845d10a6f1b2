// Unfolds convolution patches of NHWC activations:
// cols[(b,oy,ox), (ky,kx,c)] = x[b, oy*stride+ky-pad, ox*stride+kx-pad, c], 0 outside the image.
// A convolution is then a matmul of cols with the [out, k*k*c] weights (linear_forward).
struct Params {
  batch: u32,
  height: u32,
  width: u32,
  channels: u32,
  kernel: u32,
  stride: u32,
  pad: u32,
  out_h: u32,
  out_w: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> cols: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let kk = p.kernel * p.kernel * p.channels;
  let rows = p.batch * p.out_h * p.out_w;
  if (i >= rows * kk) {
    return;
  }
  let row = i / kk;
  let col = i % kk;
  let c = col % p.channels;
  let kx = (col / p.channels) % p.kernel;
  let ky = col / (p.channels * p.kernel);
  let ox = row % p.out_w;
  let oy = (row / p.out_w) % p.out_h;
  let b = row / (p.out_w * p.out_h);
  let iy = i32(oy * p.stride + ky) - i32(p.pad);
  let ix = i32(ox * p.stride + kx) - i32(p.pad);
  var v = 0.0;
  if (iy >= 0 && iy < i32(p.height) && ix >= 0 && ix < i32(p.width)) {
    v = x[((b * p.height + u32(iy)) * p.width + u32(ix)) * p.channels + c];
  }
  cols[i] = v;
}
