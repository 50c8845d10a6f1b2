// BatchNorm statistics of x[rows, channels], one workgroup per channel, into
// stats = [mean(C), inv_std(C)]. TRAINING: batch mean and biased variance (two passes), and
// running = [mean(C), var(C)] moves towards them by `momentum` with the unbiased variance,
// as PyTorch does. Otherwise the stats come from `running`.
struct Params {
  rows: u32,
  channels: u32,
  eps: f32,
  momentum: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;
@group(0) @binding(3) var<storage, read_write> running: array<f32>;

const WG: u32 = 64u;
override TRAINING: u32 = 1u;
var<workgroup> part: array<f32, WG>;

fn reduce(t: u32) -> f32 {
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) {
      part[t] += part[t + s];
    }
    workgroupBarrier();
  }
  let total = part[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wid.x;
  let t = lid.x;
  if (TRAINING == 0u) {
    if (t == 0u) {
      stats[c] = running[c];
      stats[p.channels + c] = 1.0 / sqrt(running[p.channels + c] + p.eps);
    }
    return;
  }
  var s = 0.0;
  for (var r = t; r < p.rows; r += WG) {
    s += x[r * p.channels + c];
  }
  part[t] = s;
  let mean = reduce(t) / f32(p.rows);
  var q = 0.0;
  for (var r = t; r < p.rows; r += WG) {
    let d = x[r * p.channels + c] - mean;
    q += d * d;
  }
  part[t] = q;
  let sq = reduce(t);
  if (t == 0u) {
    let variance = sq / f32(p.rows);
    stats[c] = mean;
    stats[p.channels + c] = 1.0 / sqrt(variance + p.eps);
    let unbiased = select(variance, sq / f32(p.rows - 1u), p.rows > 1u);
    running[c] = (1.0 - p.momentum) * running[c] + p.momentum * mean;
    running[p.channels + c] = (1.0 - p.momentum) * running[p.channels + c] + p.momentum * unbiased;
  }
}
