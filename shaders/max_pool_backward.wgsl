// Routes each output gradient to its window's argmax, as a gather: an input element sums dy
// over the windows that contain it and chose it.
struct Params {
  batch: u32,
  height: u32,
  width: u32,
  channels: u32,
  kernel: u32,
  stride: u32,
  out_h: u32,
  out_w: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let in_size = p.height * p.width * p.channels;
  if (i >= p.batch * in_size) {
    return;
  }
  let b = i / in_size;
  let local = i % in_size;
  let c = local % p.channels;
  let ix = (local / p.channels) % p.width;
  let iy = local / (p.channels * p.width);
  // Windows oy with oy*stride <= iy < oy*stride + kernel.
  let oy_lo = select(0u, (iy - p.kernel + p.stride) / p.stride, iy + 1u > p.kernel);
  let ox_lo = select(0u, (ix - p.kernel + p.stride) / p.stride, ix + 1u > p.kernel);
  let oy_hi = min(iy / p.stride, p.out_h - 1u);
  let ox_hi = min(ix / p.stride, p.out_w - 1u);
  var s = 0.0;
  for (var oy = oy_lo; oy <= oy_hi; oy++) {
    for (var ox = ox_lo; ox <= ox_hi; ox++) {
      let o = ((b * p.out_h + oy) * p.out_w + ox) * p.channels + c;
      if (idx[o] == local) {
        s += dy[o];
      }
    }
  }
  dx[i] = s;
}
