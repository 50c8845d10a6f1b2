// db[o] = sum_b dy[b,o].
struct Params {
  batch: u32,
  out_f: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let o = gid.x;
  if (o >= p.out_f) {
    return;
  }
  var s = 0.0;
  for (var b = 0u; b < p.batch; b++) {
    s += dy[b * p.out_f + o];
  }
  db[o] = s;
}
