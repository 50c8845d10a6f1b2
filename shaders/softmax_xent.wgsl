// Softmax cross-entropy, forward and backward in one pass: per-sample loss, and
// dlogits = (softmax - onehot) / batch, the gradient of the batch-mean loss.
struct Params {
  batch: u32,
  classes: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let b = gid.x;
  if (b >= p.batch) {
    return;
  }
  let base = b * p.classes;
  var m = logits[base];
  for (var c = 1u; c < p.classes; c++) {
    m = max(m, logits[base + c]);
  }
  var s = 0.0;
  for (var c = 0u; c < p.classes; c++) {
    s += exp(logits[base + c] - m);
  }
  let label = labels[b];
  loss[b] = log(s) - (logits[base + label] - m);
  let inv_batch = 1.0 / f32(p.batch);
  for (var c = 0u; c < p.classes; c++) {
    let prob = exp(logits[base + c] - m) / s;
    dlogits[base + c] = (prob - select(0.0, 1.0, c == label)) * inv_batch;
  }
}
