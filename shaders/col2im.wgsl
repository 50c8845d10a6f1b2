// The adjoint of im2col, as a gather (no atomics): each input element sums the entries of
// dcols that read it, over the kernel positions whose output pixel exists.
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
@group(0) @binding(1) var<storage, read> dcols: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.batch * p.height * p.width * p.channels) {
    return;
  }
  let c = i % p.channels;
  let ix = i32((i / p.channels) % p.width);
  let iy = i32((i / (p.channels * p.width)) % p.height);
  let b = i / (p.channels * p.width * p.height);
  let kk = p.kernel * p.kernel * p.channels;
  var s = 0.0;
  for (var ky = 0u; ky < p.kernel; ky++) {
    let ty = iy + i32(p.pad) - i32(ky);
    if (ty < 0 || ty % i32(p.stride) != 0) {
      continue;
    }
    let oy = u32(ty) / p.stride;
    if (oy >= p.out_h) {
      continue;
    }
    for (var kx = 0u; kx < p.kernel; kx++) {
      let tx = ix + i32(p.pad) - i32(kx);
      if (tx < 0 || tx % i32(p.stride) != 0) {
        continue;
      }
      let ox = u32(tx) / p.stride;
      if (ox >= p.out_w) {
        continue;
      }
      let row = (b * p.out_h + oy) * p.out_w + ox;
      s += dcols[row * kk + (ky * p.kernel + kx) * p.channels + c];
    }
  }
  dx[i] = s;
}
