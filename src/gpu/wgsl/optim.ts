// Template of the sparse SGD kernel (sgd_update and momentum_update are elementwise.ts).
// The body is WGSL text; the struct, bindings and overrides come from the lists here.
import { SPARSE_SGD_PARAMS } from './layouts';
import { kernel, TILE_COL } from './snippets';

/** shaders/sparse_sgd_update.wgsl: SGD on the stored weights of a block-CSR matrix only. */
export const sparseSgdUpdate = (): string =>
  kernel({
    template: 'optim',
    doc: `sparse_sgd_update: PyTorch SGD (momentum, Nesterov, weight decay) on the stored weights
      of a block-CSR matrix (BLOCK 1 = CSR). With DENSE_STATE the gradient and momentum are
      dense [out][in] buffers (sparse momentum needs the momentum of missing weights every
      step): a momentum_update pass has already set v = mu*v + g everywhere, and this adds the
      weight-decay term of the stored weights. Otherwise g and v are stored like the values:

      d = g + wd*w;  v = mu*v + d;  w -= lr * (nesterov ? d + mu*v : v).

      Invocation (o, s) updates row o's tiles s, s + SLOTS, ...; padding (of tiles, and N:M
      slots past the inputs) is left at 0.`,
    layout: SPARSE_SGD_PARAMS,
    buffers: ['mut w: f32', 'g: f32', 'mut v: f32', 'row_ptr: u32', 'col_idx: u32'],
    overrides: [
      'WG_X: u32 = 8u',
      'WG_Y: u32 = 8u',
      'SLOTS: u32 = 8u',
      'BLOCK: u32 = 1u',
      'NESTEROV: bool = true',
      'DENSE_STATE: bool = false',
    ],
    shape: '2d',
    helpers: TILE_COL,
    body: `
let o = gid.x;
let s = gid.y;
if (o >= p.out_f || s >= SLOTS) {
  return;
}
let tr = o / BLOCK;
let r = o % BLOCK;
let end = row_ptr[tr + 1u];
for (var k = row_ptr[tr] + s; k < end; k += SLOTS) {
  let col0 = tile_col(k) * BLOCK;
  // N:M padding slots (column 0xffff, past the inputs) hold no weight.
  var cols = 0u;
  if (col0 < p.in_f) {
    cols = min(BLOCK, p.in_f - col0);
  }
  let t = k * BLOCK * BLOCK + r * BLOCK;
  for (var c = 0u; c < cols; c++) {
    let idx = t + c;
    var state = idx;
    if (DENSE_STATE) {
      state = o * p.in_f + col0 + c;
    }
    let wi = w[idx];
    let d = g[state] + p.wd * wi;
    var vi = p.momentum * v[state] + d;
    if (DENSE_STATE) {
      vi = v[state] + p.wd * wi;
    }
    v[state] = vi;
    var step = vi;
    if (NESTEROV) {
      step = d + p.momentum * vi;
    }
    w[idx] = wi - p.lr * step;
  }
}`,
  });
