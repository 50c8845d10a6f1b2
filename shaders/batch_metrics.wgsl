// Adds a batch's loss sum and correct-prediction count (argmax, first maximum wins) into
// accum = [epochLoss, epochCorrect, epochCount, windowLoss, windowCount]. One workgroup.
struct Params {
  batch: u32,
  classes: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> accum: array<f32>;

const WG: u32 = 64u;
var<workgroup> loss_part: array<f32, WG>;
var<workgroup> correct_part: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  let t = lid.x;
  var l = 0.0;
  var c = 0.0;
  for (var b = t; b < p.batch; b += WG) {
    l += loss[b];
    let base = b * p.classes;
    var best = 0u;
    for (var k = 1u; k < p.classes; k++) {
      if (logits[base + k] > logits[base + best]) {
        best = k;
      }
    }
    c += select(0.0, 1.0, best == labels[b]);
  }
  loss_part[t] = l;
  correct_part[t] = c;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) {
      loss_part[t] += loss_part[t + s];
      correct_part[t] += correct_part[t + s];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    let n = f32(p.batch);
    accum[0] += loss_part[0];
    accum[1] += correct_part[0];
    accum[2] += n;
    accum[3] += loss_part[0];
    accum[4] += n;
  }
}
