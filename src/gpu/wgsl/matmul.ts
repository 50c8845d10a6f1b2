// Templates of the dense linear kernels: y = x w^T + b, dx = dy w and dw = dy^T x, with 4x4
// or 8x8 outputs per invocation, scalar or vec4 loads. Every variant of a kernel sums the same
// terms in the same order, so the autotuner's choice changes speed, never results.
import { DENSE_PARAMS } from './layouts';
import {
  accumulators,
  guard,
  kernel,
  range,
  type Binding,
  type Code,
  type Override,
  when,
} from './snippets';
import {
  clampedRows,
  dotStep,
  forwardStore,
  laneStore,
  RELU_GRAD_OVERRIDE,
  RELU_OVERRIDE,
  outerStep,
  vecCol,
  vecCols,
  vecStore,
} from './tiles';

const TILE_WG = ['WG_X: u32 = 8u', 'WG_Y: u32 = 8u'] as const;
/** Switches on the bias gradient fused into a weight gradient (its `db` binding is written). */
export const BIAS_OVERRIDE: Override = 'HAS_BIAS: u32 = 0u';

function dense(
  doc: string,
  buffers: readonly Binding[],
  body: readonly Code[],
  overrides: readonly Override[] = TILE_WG,
): string {
  return kernel({
    template: 'matmul',
    doc,
    layout: DENSE_PARAMS,
    buffers,
    overrides,
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
    `y[b,o] = sum_i x[b,i] * w[o,i] + bias[o] (then max(y, 0) when RELU != 0: the ReLU after
     the layer fused into the store). Weights are [out][in] as in PyTorch. Each invocation computes ${t} samples x ${t} outputs in registers${vec ? ', reading x and w as vec4 along i (in_f % 4 == 0)' : ''}.`,
    [`x: ${ty}`, `w: ${ty}`, 'bias: f32', 'mut y: f32'],
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
      ...forwardStore(t),
    ],
    [...TILE_WG, RELU_OVERRIDE],
  );
}

/**
 * The tile of the input-gradient kernels (dx and dw): rows x cols outputs over the inputs
 * i0.. (vec4 columns i4.. when `vec`), a{r}{c} += s_r * v_c with v read from `src` along i.
 */
function inputTile(k: {
  vec: boolean;
  rows: number;
  cols: number;
  out: string;
  src: string;
  row0: string;
  rowEnd: string;
  setup: readonly string[];
  loopVar: string;
  loopEnd: string;
  pre: readonly string[];
  s: (r: number) => string;
  skipZero?: boolean;
  /** The ReLU-backward epilogue (the input gradient's HAS_RELU). */
  reluGrad?: boolean;
  /** Also sums the s_r over the loop into db (the weight gradient's HAS_BIAS, `biasSum`). */
  bias?: boolean;
}): Code[] {
  const { vec, rows, cols, out, row0, rowEnd, loopVar: n, reluGrad, bias } = k;
  const v = vec
    ? (c: number) => `${k.src}[${n} * k4 + ${vecCol(c)}]`
    : () => gather(k.src, (l) => `row + ic${l}`);
  return [
    vec ? `let i4 = gid.x * ${cols}u;` : 'let i0 = gid.x * 4u;',
    `let ${row0} = gid.y * ${rows}u;`,
    ...(vec
      ? ['let k4 = p.in_f / 4u;', ...guard(`i4 >= k4 || ${row0} >= ${rowEnd}`), ...vecCols(cols)]
      : [
          ...guard(`i0 >= p.in_f || ${row0} >= ${rowEnd}`),
          'let last_i = p.in_f - 1u;',
          ...clampedRows('ic', 'i0', 'last_i', 4),
        ]),
    ...k.setup,
    ...accumulators(rows, cols),
    ...(bias ? range(rows).map((r) => `var d${r} = 0.0;`) : []),
    ...loop(`var ${n} = 0u; ${n} < ${k.loopEnd}; ${n}++`, [
      ...(vec ? [] : [`let row = ${n} * p.in_f;`]),
      ...k.pre,
      ...outerStep({ rows, cols, s: k.s, v, skipZero: k.skipZero }),
      ...(bias ? range(rows).map((r) => `d${r} += s${r};`) : []),
    ]),
    ...(bias ? biasStore(rows, row0, vec ? 'i4' : 'i0') : []),
    ...(vec
      ? vecStore({ out, rows, cols, row0, rowEnd, reluGrad })
      : laneStore({
          out,
          rows,
          cols,
          row0,
          rowEnd,
          col0: 'i0',
          colEnd: 'p.in_f',
          ld: 'p.in_f',
          reluGrad,
        })),
  ];
}

/**
 * The bias gradient fused into a weight gradient (HAS_BIAS != 0): the invocations of the first
 * input column store db[o0 + r] = d{r}, their running sum of dy[b, o0 + r] over the batch in
 * order (bias_grad's very sum).
 */
const biasStore = (rows: number, o0: string, col: string): Code[] =>
  when(
    `HAS_BIAS != 0u && ${col} == 0u`,
    range(rows).flatMap((r) => when(`${o0} + ${r}u < p.out_f`, `db[${o0} + ${r}u] = d${r};`)),
  );

/** dx[b,i] = sum_o dy[b,o] * w[o,i]; t x t outputs per invocation. */
export function linearGradInput(mode: 'scalar' | 'vec4', t: 4 | 8): string {
  const vec = mode === 'vec4';
  const ty = vec ? 'vec4f' : 'f32';
  return dense(
    `dx[b,i] = sum_o dy[b,o] * w[o,i] (then 0 where relu[b,i] is not > 0 when HAS_RELU != 0:
     the backward of the ReLU below the layer fused into the store). Each invocation computes ${t} samples x ${t} inputs${vec ? ', reading w and writing dx as vec4 along i (in_f % 4 == 0)' : ''}.`,
    ['dy: f32', `w: ${ty}`, `relu: ${ty}`, `mut dx: ${ty}`],
    inputTile({
      vec,
      rows: t,
      cols: vec ? t / 4 : 1,
      out: 'dx',
      src: 'w',
      row0: 'b0',
      rowEnd: 'p.batch',
      setup: ['let last_b = p.batch - 1u;', ...clampedRows('br', 'b0', 'last_b', t, 'p.out_f')],
      loopVar: 'o',
      loopEnd: 'p.out_f',
      pre: [],
      s: (r) => `dy[br${r} + o]`,
      reluGrad: true,
    }),
    [...TILE_WG, RELU_GRAD_OVERRIDE],
  );
}

/**
 * dw[o,i] = sum_b dy[b,o] * x[b,i], dense: missing weights get a gradient too, which sparse
 * momentum's growth reads. 'skip' computes one output row for 16 inputs and skips zero dy.
 */
export function linearGradWeight(mode: 'scalar' | 'vec4' | 'skip', t: 4 | 8): string {
  const vec = mode !== 'scalar';
  const skip = mode === 'skip';
  const ty = vec ? 'vec4f' : 'f32';
  const rows = skip ? 1 : t;
  const doc = skip
    ? `linear_grad_weight that skips zero output gradients (double sparsity): behind a ReLU
       most dy[b,o] are exactly 0 and cost only their load. Each invocation computes one output
       row o for 16 inputs (4 x vec4) and walks the batch in order, so it sums the same terms in
       the same order as the vec4 kernel (a skipped term is an exact 0). Invocations next to
       each other share o, so the branch is uniform.`
    : `dw[o,i] = sum_b dy[b,o] * x[b,i]: the dense weight gradient (missing weights get one too,
       which is what sparse momentum's growth reads). Each invocation computes ${t} outputs x
       ${t} inputs${vec ? ', reading x and writing dw as vec4 along i (in_f % 4 == 0)' : ''}.`;
  return dense(
    `${doc} With HAS_BIAS != 0 the bias gradient db[o] = sum_b dy[b,o] is summed on the way (in
     batch order, as bias_grad) and stored by the invocations of the first input column.`,
    ['dy: f32', `x: ${ty}`, `mut dw: ${ty}`, 'mut db: f32'],
    inputTile({
      vec,
      rows,
      cols: skip ? 4 : vec ? t / 4 : 1,
      out: 'dw',
      src: 'x',
      row0: 'o0',
      rowEnd: 'p.out_f',
      setup: skip ? [] : ['let last_o = p.out_f - 1u;', ...clampedRows('oc', 'o0', 'last_o', rows)],
      loopVar: 'b',
      loopEnd: 'p.batch',
      pre: skip ? [] : ['let drow = b * p.out_f;'],
      s: skip ? () => 'dy[b * p.out_f + o0]' : (r) => `dy[drow + oc${r}]`,
      skipZero: skip,
      bias: true,
    }),
    [...TILE_WG, BIAS_OVERRIDE],
  );
}
