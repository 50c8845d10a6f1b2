// Max over k x k windows of NHWC activations (no padding). idx keeps each output's argmax as
// an index within the sample (first maximum wins), for the backward pass.
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
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> idx: array<u32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid.x + gid.y * nwg.x * WG;
  if (o >= p.batch * p.out_h * p.out_w * p.channels) {
    return;
  }
  let c = o % p.channels;
  let ox = (o / p.channels) % p.out_w;
  let oy = (o / (p.channels * p.out_w)) % p.out_h;
  let b = o / (p.channels * p.out_w * p.out_h);
  let base = b * p.height * p.width * p.channels;
  var best = -3.4e38;
  var arg = 0u;
  for (var ky = 0u; ky < p.kernel; ky++) {
    for (var kx = 0u; kx < p.kernel; kx++) {
      let i = ((oy * p.stride + ky) * p.width + ox * p.stride + kx) * p.channels + c;
      let v = x[base + i];
      if (v > best) {
        best = v;
        arg = i;
      }
    }
  }
  y[o] = best;
  idx[o] = arg;
}
