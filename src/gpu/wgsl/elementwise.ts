// Templates of the elementwise kernels: one op body written once for f32 and vec4f, emitted as
// a scalar kernel (any n) and a vec4 kernel (n % 4 == 0, four elements per invocation).
import { COUNT_PARAMS, MOMENTUM_PARAMS, SGD_PARAMS } from './layouts';
import { guard, kernel, WG, when, type Binding, type Code, type Override } from './snippets';
import type { UniformLayout } from './uniforms';

/** The element type and its zero, as an op body sees them. */
interface Elem {
  ty: 'f32' | 'vec4f';
  zero: string;
}

interface ElementwiseOp {
  doc: string;
  layout: UniformLayout;
  /** Buffer names, `mut name` for read_write; all of the element type. */
  buffers: readonly string[];
  overrides?: readonly Override[];
  body(e: Elem): Code[];
}

const OPS = {
  reluForward: {
    doc: 'y = max(x, 0).',
    layout: COUNT_PARAMS,
    buffers: ['x', 'mut y'],
    body: (e) => [`y[i] = max(x[i], ${e.zero});`],
  },
  reluBackward: {
    doc: "dx = dy where the ReLU's output y > 0, else 0.",
    layout: COUNT_PARAMS,
    buffers: ['y', 'dy', 'mut dx'],
    body: (e) => [`dx[i] = select(${e.zero}, dy[i], y[i] > ${e.zero});`],
  },
  momentumUpdate: {
    doc: `momentum_update: v = mu*v + g over a whole dense matrix, the momentum of every weight,
          missing ones included (their weight is 0, so weight decay adds nothing). Sparse
          momentum reads this dense momentum to decide where to regrow; sparse_sgd_update then
          moves the stored weights.`,
    layout: MOMENTUM_PARAMS,
    buffers: ['g', 'mut v'],
    body: () => ['v[i] = p.momentum * v[i] + g[i];'],
  },
  sgdUpdate: {
    doc: `PyTorch SGD with momentum, Nesterov and weight decay, then the sparse mask re-applied:

          d = g + wd*w; v = mu*v + d; w -= lr * (nesterov ? d + mu*v : v); w *= mask.

          The momentum buffer v stays dense: missing weights keep accumulating it (growth reads it).`,
    layout: SGD_PARAMS,
    buffers: ['mut w', 'g', 'mut v', 'mask'],
    overrides: ['NESTEROV: bool = true', 'HAS_MASK: bool = true'],
    body: (e) => [
      'let wi = w[i];',
      'let d = g[i] + p.wd * wi;',
      'let vi = p.momentum * v[i] + d;',
      'v[i] = vi;',
      'var step = vi;',
      ...when('NESTEROV', 'step = d + p.momentum * vi;'),
      'var next = wi - p.lr * step;',
      ...when('HAS_MASK', `next = select(next, ${e.zero}, mask[i] == ${e.zero});`),
      'w[i] = next;',
    ],
  },
} satisfies Record<string, ElementwiseOp>;

export type ElementwiseName = keyof typeof OPS;

/** The scalar or vec4 kernel of an elementwise op. */
export function elementwise(name: ElementwiseName, vec4: boolean): string {
  const op: ElementwiseOp = OPS[name];
  const e: Elem = vec4 ? { ty: 'vec4f', zero: 'vec4f(0.0)' } : { ty: 'f32', zero: '0.0' };
  const buffers = op.buffers.map((b): Binding => `${b}: ${e.ty}`);
  return kernel({
    template: 'elementwise',
    doc: vec4 ? `${op.doc}\n\nFour elements per invocation (n % 4 == 0).` : op.doc,
    layout: op.layout,
    buffers,
    overrides: [WG, ...(op.overrides ?? [])],
    shape: '1d',
    body: [...guard(vec4 ? 'i >= p.n / 4u' : 'i >= p.n'), ...op.body(e)],
  });
}
