// Templates of the dense linear kernels: y = x w^T + b, dx = dy w and dw = dy^T x, with 4x4
// or 8x8 outputs per invocation, scalar or vec4 loads. Every variant of a kernel sums the same
// terms in the same order, so the autotuner's choice changes speed, never results.
import { DENSE_PARAMS } from './layouts';
import { accumulators, guard, kernel, range, type Binding, type Code } from './snippets';
import { clampedRows, dotStep, laneStore, outerStep, vecCol, vecCols, vecStore } from './tiles';

const TILE_WG = [
  ['WG_X', 'u32', '8u'],
  ['WG_Y', 'u32', '8u'],
] as const;

function dense(doc: string, buffers: readonly Binding[], body: readonly Code[]): string {
  return kernel({
    template: 'matmul',
    doc,
    layout: DENSE_PARAMS,
    buffers,
    overrides: TILE_WG,
    shape: '2d',
    body,
  });
}

const loop = (head: string, step: readonly Code[]): Code[] => [`for (${head}) {`, step, '}'];

/** A vec4 gather of four clamped scalar indices, for the scalar (in_f % 4 != 0) kernels. */
const gather = (buf: string, at: (l: number) => string) =>
  `vec4f(${range(4)
    .map((l) => `${buf}[${at(l)}]`)
    .join(', ')})`;

/** y[b,o] = sum_i x[b,i] * w[o,i] + bias[o]; t x t outputs per invocation (t = 4 when scalar). */
export function linearForward(mode: 'scalar' | 'vec4', t: 4 | 8): string {
  const vec = mode === 'vec4';
  const ty = vec ? 'vec4f' : 'f32';
  const stride = vec ? 'k4' : 'p.in_f';
  const step = vec
    ? dotStep(
        t,
        (j) => `w[wr${j} + k]`,
        (r) => `x[xr${r} + k]`,
      )
    : outerStep({
        rows: 4,
        cols: 1,
        s: (r) => `x[xr${r} + k]`,
        v: () => gather('w', (l) => `wr${l} + k`),
      });
  return dense(
    `y[b,o] = sum_i x[b,i] * w[o,i] + bias[o]. Weights are [out][in] as in PyTorch.
     Each invocation computes ${t} samples x ${t} outputs in registers${vec ? ', reading x and w as vec4 along i (in_f % 4 == 0)' : ''}.`,
    [
      ['x', 'read', ty],
      ['w', 'read', ty],
      ['bias', 'read', 'f32'],
      ['y', 'read_write', 'f32'],
    ],
    [
      `let o0 = gid.x * ${t}u;`,
      `let b0 = gid.y * ${t}u;`,
      ...guard('o0 >= p.out_f || b0 >= p.batch'),
      ...(vec ? ['let k4 = p.in_f / 4u;'] : []),
      '// Rows past the edge are clamped for loading and never stored.',
      'let last_b = p.batch - 1u;',
      'let last_o = p.out_f - 1u;',
      ...clampedRows('xr', 'b0', 'last_b', t, stride),
      ...clampedRows('wr', 'o0', 'last_o', t, stride),
      ...accumulators(t, t / 4),
      ...loop(`var k = 0u; k < ${stride}; k++`, step),
      ...laneStore({
        out: 'y',
        rows: t,
        cols: t / 4,
        row0: 'b0',
        rowEnd: 'p.batch',
        col0: 'o0',
        colEnd: 'p.out_f',
        ld: 'p.out_f',
        bias: true,
      }),
    ],
  );
}

/** dx[b,i] = sum_o dy[b,o] * w[o,i]; t x t outputs per invocation. */
export function linearGradInput(mode: 'scalar' | 'vec4', t: 4 | 8): string {
  const vec = mode === 'vec4';
  const cols = t / 4;
  const doc = `dx[b,i] = sum_o dy[b,o] * w[o,i]. Each invocation computes ${t} samples x ${t} inputs${vec ? ',\n reading w and writing dx as vec4 along i (in_f % 4 == 0)' : ''}.`;
  const buffers: Binding[] = [
    ['dy', 'read', 'f32'],
    ['w', 'read', vec ? 'vec4f' : 'f32'],
    ['dx', 'read_write', vec ? 'vec4f' : 'f32'],
  ];
  const rows = ['let last_b = p.batch - 1u;', ...clampedRows('br', 'b0', 'last_b', t, 'p.out_f')];
  const s = (r: number) => `dy[br${r} + o]`;
  if (!vec)
    return dense(doc, buffers, [
      'let i0 = gid.x * 4u;',
      'let b0 = gid.y * 4u;',
      ...guard('i0 >= p.in_f || b0 >= p.batch'),
      'let last_i = p.in_f - 1u;',
      ...clampedRows('ic', 'i0', 'last_i', 4),
      ...rows,
      ...accumulators(4, 1),
      ...loop('var o = 0u; o < p.out_f; o++', [
        'let row = o * p.in_f;',
        ...outerStep({ rows: 4, cols: 1, s, v: () => gather('w', (l) => `row + ic${l}`) }),
      ]),
      ...laneStore({
        out: 'dx',
        rows: 4,
        cols: 1,
        row0: 'b0',
        rowEnd: 'p.batch',
        col0: 'i0',
        colEnd: 'p.in_f',
        ld: 'p.in_f',
      }),
    ]);
  return dense(doc, buffers, [
    `let i4 = gid.x * ${cols}u;`,
    `let b0 = gid.y * ${t}u;`,
    'let k4 = p.in_f / 4u;',
    ...guard('i4 >= k4 || b0 >= p.batch'),
    ...vecCols(cols),
    ...rows,
    ...accumulators(t, cols),
    ...loop(
      'var o = 0u; o < p.out_f; o++',
      outerStep({ rows: t, cols, s, v: (c) => `w[o * k4 + ${vecCol(c)}]` }),
    ),
    ...vecStore({ out: 'dx', rows: t, cols, row0: 'b0', rowEnd: 'p.batch' }),
  ]);
}

/**
 * dw[o,i] = sum_b dy[b,o] * x[b,i], dense: missing weights get a gradient too, which sparse
 * momentum's growth reads. 'skip' computes one output row for 16 inputs and skips zero dy.
 */
export function linearGradWeight(mode: 'scalar' | 'vec4' | 'skip', t: 4 | 8): string {
  const vec = mode !== 'scalar';
  const skip = mode === 'skip';
  const rows = skip ? 1 : t;
  const cols = skip ? 4 : t / 4;
  const doc = skip
    ? `linear_grad_weight that skips zero output gradients (double sparsity): behind a ReLU
       most dy[b,o] are exactly 0 and cost only their load. Each invocation computes one output
       row o for 16 inputs (4 x vec4) and walks the batch in order, so it sums the same terms in
       the same order as the vec4 kernel (a skipped term is an exact 0). Invocations next to
       each other share o, so the branch is uniform.`
    : `dw[o,i] = sum_b dy[b,o] * x[b,i]: the dense weight gradient (missing weights get one too,
       which is what sparse momentum's growth reads). Each invocation computes ${t} outputs x
       ${t} inputs${vec ? ', reading x and writing dw as vec4 along i (in_f % 4 == 0)' : ''}.`;
  const buffers: Binding[] = [
    ['dy', 'read', 'f32'],
    ['x', 'read', vec ? 'vec4f' : 'f32'],
    ['dw', 'read_write', vec ? 'vec4f' : 'f32'],
  ];
  const outRows = ['let last_o = p.out_f - 1u;', ...clampedRows('oc', 'o0', 'last_o', rows)];
  if (!vec)
    return dense(doc, buffers, [
      'let i0 = gid.x * 4u;',
      'let o0 = gid.y * 4u;',
      ...guard('i0 >= p.in_f || o0 >= p.out_f'),
      'let last_i = p.in_f - 1u;',
      ...clampedRows('ic', 'i0', 'last_i', 4),
      ...outRows,
      ...accumulators(4, 1),
      ...loop('var b = 0u; b < p.batch; b++', [
        'let xrow = b * p.in_f;',
        'let drow = b * p.out_f;',
        ...outerStep({
          rows: 4,
          cols: 1,
          s: (r) => `dy[drow + oc${r}]`,
          v: () => gather('x', (l) => `xrow + ic${l}`),
        }),
      ]),
      ...laneStore({
        out: 'dw',
        rows: 4,
        cols: 1,
        row0: 'o0',
        rowEnd: 'p.out_f',
        col0: 'i0',
        colEnd: 'p.in_f',
        ld: 'p.in_f',
      }),
    ]);
  return dense(doc, buffers, [
    `let i4 = gid.x * ${cols}u;`,
    `let o0 = gid.y * ${rows}u;`,
    'let k4 = p.in_f / 4u;',
    ...guard('i4 >= k4 || o0 >= p.out_f'),
    ...vecCols(cols),
    ...(skip ? [] : outRows),
    ...accumulators(rows, cols),
    ...loop('var b = 0u; b < p.batch; b++', [
      ...(skip ? [] : ['let drow = b * p.out_f;']),
      ...outerStep({
        rows,
        cols,
        s: skip ? () => 'dy[b * p.out_f + o0]' : (r) => `dy[drow + oc${r}]`,
        v: (c) => `x[b * k4 + ${vecCol(c)}]`,
        skipZero: skip,
      }),
    ]),
    ...vecStore({ out: 'dw', rows, cols, row0: 'o0', rowEnd: 'p.out_f' }),
  ]);
}
