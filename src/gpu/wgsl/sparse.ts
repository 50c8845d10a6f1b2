// Templates of the sparse linear kernels: block-CSR (bsr_*, BLOCK x BLOCK tiles with
// BLOCK % 4 == 0, vec4 loads, the dense kernels' tiles and summation order) and CSR (csr_*,
// single weights; csr_*_t read transposed activations, four samples per vec4) and their ELL
// twins (ell_*: constant fan-in, row o's weights at o * fan_in, no row pointers read) and the
// N:M ones (nm_*: ELL whose rows hold N slots per group, padding slots at column 0xffff).
import { SPARSE_PARAMS } from './layouts';
import {
  accumulators,
  guard,
  kernel,
  LANES,
  range,
  TILE_COL,
  when,
  type Binding,
  type Code,
  type Override,
} from './snippets';
import {
  clampedRows,
  dotStep,
  forwardStore,
  outerStep,
  RELU_GRAD_OVERRIDE,
  RELU_OVERRIDE,
  reluEpilogue,
  reluGradEpilogue,
  vecStore,
} from './tiles';

const WG_XY: Override[] = ['WG_X: u32 = 8u', 'WG_Y: u32 = 8u'];
const BLOCK: Override = 'BLOCK: u32 = 16u';
const SLOTS: Override = 'SLOTS: u32 = 8u';
const HAS_BIAS: Override = 'HAS_BIAS: u32 = 0u';

/**
 * The bias gradient fused into a sparse weight gradient (HAS_BIAS != 0, when \`cond\` holds):
 * db[o] = the running sum of dy[b,o] over the batch in order, bias_grad's very sum (`dyt`
 * holds four samples per vec4, added lane by lane).
 */
const biasSum = (cond: string, o: string, transposed: boolean): Code[] =>
  when(`HAS_BIAS != 0u && ${cond}`, [
    'var d = 0.0;',
    ...(transposed
      ? [
          `for (var g = 0u; g < p.batch / 4u; g++) {`,
          [
            `let v = dyt[${o} * (p.batch / 4u) + g];`,
            'd += v.x;',
            'd += v.y;',
            'd += v.z;',
            'd += v.w;',
          ],
          '}',
        ]
      : ['for (var b = 0u; b < p.batch; b++) {', [`d += dy[b * p.out_f + ${o}];`], '}']),
    `db[${o}] = d;`,
  ]);

function sparse(
  doc: string,
  buffers: readonly Binding[],
  overrides: readonly Override[],
  body: readonly Code[],
  helpers?: readonly Code[],
): string {
  return kernel({
    template: 'sparse',
    doc,
    layout: SPARSE_PARAMS,
    buffers,
    overrides,
    helpers,
    shape: '2d',
    body,
  });
}

/** The transposed index: the stored entries of column tc (of tiles or weights), as (row, slot). */
const byColumn = (col: string, rowVar: string, k: string): Code[] => [
  `let end = col_ptr[${col} + 1u];`,
  `for (var j = col_ptr[${col}]; j < end; j++) {`,
  ['let e = t_entry[j];', `let ${rowVar} = e & 0xffffu;`, k],
];

/** bsr_forward: y = x w^T + bias over the stored tiles of each tile row; t x t outputs. */
export function bsrForward(t: 4 | 8): string {
  return sparse(
    `bsr_forward: y[b,o] = sum over the stored tiles of o's tile row of x[b,i] * w[o,i], plus
     bias[o] (block-CSR; missing tiles cost nothing), then max(y, 0) when RELU != 0 (the ReLU
     after the layer, fused into the store). Tiles are BLOCK x BLOCK with
     BLOCK % ${t} == 0 and in_f % 4 == 0, so x and the tiles are read as vec4. Each invocation
     computes ${t} samples x ${t} outputs, summing in the same order as linear_forward_vec4.`,
    ['x: vec4f', 'vals: vec4f', 'row_ptr: u32', 'col_idx: u32', 'bias: f32', 'mut y: f32'],
    [...WG_XY, BLOCK, RELU_OVERRIDE],
    [
      `let o0 = gid.x * ${t}u;`,
      `let b0 = gid.y * ${t}u;`,
      ...guard('o0 >= p.out_f || b0 >= p.batch'),
      'let tr = o0 / BLOCK;',
      'let r0 = o0 % BLOCK;',
      'let k4 = p.in_f / 4u;',
      'let b4 = BLOCK / 4u;',
      'let last_b = p.batch - 1u;',
      ...clampedRows('xr', 'b0', 'last_b', t, 'k4'),
      ...accumulators(t, t / 4),
      'let end = row_ptr[tr + 1u];',
      'for (var k = row_ptr[tr]; k < end; k++) {',
      [
        'let col4 = tile_col(k) * b4;',
        '// Tile rows r0.. as vec4 runs of BLOCK/4 each.',
        'let t = k * BLOCK * b4 + r0 * b4;',
        '// A constant trip count (unrollable); chunks past the last input read the last chunk',
        "// again against the tile's zero padding, adding exact zeros.",
        'for (var c = 0u; c < BLOCK / 4u; c++) {',
        [
          'let xc = min(col4 + c, k4 - 1u);',
          ...dotStep(
            t,
            (j) => `vals[t + ${j}u * b4 + c]`,
            (r) => `x[xr${r} + xc]`,
          ),
        ],
        '}',
      ],
      '}',
      ...forwardStore(t),
    ],
    TILE_COL,
  );
}

/** bsr_grad_input: dx = dy w over the stored tiles of each tile column; t x t outputs. */
export function bsrGradInput(t: 4 | 8): string {
  const cols = t / 4;
  return sparse(
    `bsr_grad_input: dx[b,i] = sum_o dy[b,o] * w[o,i] over the stored tiles of i's tile column
     only (block-CSR walked through its transposed index; no second copy of the values).
     BLOCK % ${t} == 0 and in_f % 4 == 0. Each invocation computes ${t} samples x ${t} inputs,
     summing over o in ascending order like linear_grad_input_vec4. With HAS_RELU != 0, dx is 0
     where relu[b,i] is not > 0 (the backward of the ReLU below, fused into the store).`,
    [
      'dy: f32',
      'vals: vec4f',
      'row_ptr: u32',
      'col_ptr: u32',
      't_entry: u32',
      'relu: vec4f',
      'mut dx: vec4f',
    ],
    [...WG_XY, BLOCK, RELU_GRAD_OVERRIDE],
    [
      `let i4 = gid.x * ${cols}u;`,
      `let b0 = gid.y * ${t}u;`,
      'let k4 = p.in_f / 4u;',
      ...guard('i4 >= k4 || b0 >= p.batch'),
      'let b4 = BLOCK / 4u;',
      'let tc = i4 / b4;',
      'let c4 = i4 % b4;',
      'let last_b = p.batch - 1u;',
      ...clampedRows('br', 'b0', 'last_b', t, 'p.out_f'),
      ...accumulators(t, cols),
      ...byColumn('tc', 'tr', 'let k = row_ptr[tr] + (e >> 16u);'),
      [
        'let o0 = tr * BLOCK;',
        '// A constant trip count (unrollable); rows past the last output read the last row',
        "// of dy against the tile's zero padding, adding exact zeros.",
        'let t = k * BLOCK * b4 + c4;',
        'for (var r = 0u; r < BLOCK; r++) {',
        [
          'let o = min(o0 + r, p.out_f - 1u);',
          ...outerStep({
            rows: t,
            cols,
            s: (r) => `dy[br${r} + o]`,
            v: (c) => `vals[t + r * b4${c ? ` + ${c}u` : ''}]`,
          }),
        ],
        '}',
      ],
      '}',
      ...vecStore({ out: 'dx', rows: t, cols, row0: 'b0', rowEnd: 'p.batch', reluGrad: true }),
    ],
  );
}

/** bsr_grad_weight: the gradient of the stored tiles only, in the tiles' own layout. */
export function bsrGradWeight(): string {
  return sparse(
    `bsr_grad_weight: the weight gradient of the stored tiles only, dw[o,i] = sum_b dy[b,o] *
     x[b,i], written in the tiles' own layout (padding rows and columns get 0). BLOCK % 4 == 0
     and in_f % 4 == 0. Invocation (x, y) computes a 4 x 4 patch at column group x % (BLOCK/4)
     and rows 4y..4y+3 of every stored tile in that tile row, summing over b like
     linear_grad_weight_vec4. With HAS_BIAS != 0, column group 0 also stores the bias gradient
     db[o] = sum_b dy[b,o] of its rows.`,
    ['dy: f32', 'x: vec4f', 'row_ptr: u32', 'col_idx: u32', 'mut dw: vec4f', 'mut db: f32'],
    ['WG_X: u32 = 4u', 'WG_Y: u32 = 16u', BLOCK, HAS_BIAS],
    [
      'let b4 = BLOCK / 4u;',
      'let c4 = gid.x;',
      'let o0 = gid.y * 4u;',
      ...guard('c4 >= b4 || o0 >= p.block_rows * BLOCK'),
      'let tr = o0 / BLOCK;',
      'let r0 = o0 % BLOCK;',
      'let k4 = p.in_f / 4u;',
      'let last_o = p.out_f - 1u;',
      ...clampedRows('oc', 'o0', 'last_o', 4),
      'let end = row_ptr[tr + 1u];',
      'for (var k = row_ptr[tr]; k < end; k++) {',
      [
        'let i4 = tile_col(k) * b4 + c4;',
        ...accumulators(4, 1),
        ...when('i4 < k4', [
          'for (var b = 0u; b < p.batch; b++) {',
          [
            'let drow = b * p.out_f;',
            ...outerStep({
              rows: 4,
              cols: 1,
              s: (r) => `dy[drow + oc${r}]`,
              v: () => 'x[b * k4 + i4]',
            }),
          ],
          '}',
        ]),
        'let t = k * BLOCK * b4 + r0 * b4 + c4;',
        ...range(4).map(
          (r) =>
            `dw[t${r ? ` + ${r}u * b4` : ''}] = select(vec4f(0.0), a${r}0, o0 + ${r}u <= last_o);`,
        ),
      ],
      '}',
      ...range(4).flatMap((r) => biasSum(`c4 == 0u && o0 + ${r}u < p.out_f`, `o0 + ${r}u`, false)),
    ],
    TILE_COL,
  );
}

/**
 * The walk over a row's slots ends at its first N:M padding slot (column 0xffff, past every
 * layer's inputs): a row stores its weights first, so it runs its real count as CSR would.
 */
const END_AT_PADDING: Code[] = ['if (i >= p.in_f) {', ['break;'], '}'];

/**
 * Rows (or columns) of 16 or 32 samples per invocation through CSR, either direction; with
 * `ell`, through a constant fan-in matrix (every row's trip count is fan_in, no row pointers);
 * with `nm` (forward only; the input gradient's transposed index holds no padding, so N:M runs
 * the ELL one), through an N:M matrix, skipping its padding slots.
 */
export function csrProduct(
  dir: 'forward' | 'gradInput',
  transposed: boolean,
  ell = false,
  nm = false,
): string {
  const fwd = dir === 'forward';
  const [unit, unitEnd, src, out, ld] = fwd
    ? ['o', 'p.out_f', 'x', 'y', 'p.in_f']
    : ['i', 'p.in_f', 'dy', 'dx', 'p.out_f'];
  const other = fwd ? 'i' : 'o';
  const groups = transposed ? 8 : 4;
  const samples = 4 * groups;
  const rowStart = (o: string) => (ell ? `${o} * p.fan_in` : `row_ptr[${o}]`);
  const walk: Code[] = fwd
    ? [
        `let end = ${ell ? 'o * p.fan_in + p.fan_in' : 'row_ptr[o + 1u]'};`,
        `for (var k = ${rowStart('o')}; k < end; k++) {`,
        ['let i = tile_col(k);', ...(nm ? END_AT_PADDING : []), 'let w = vals[k];'],
      ]
    : byColumn('i', 'o', `let w = vals[${rowStart('o')} + (e >> 16u)];`);
  const srcT = `${src}t`;
  const sums = transposed
    ? [
        `let base = ${other} * b4;`,
        ...range(groups).map((g) => `a${g}0 += w * ${srcT}[base + g${g}];`),
      ]
    : range(groups).map((g) => {
        const loads = LANES.map((l) => `${src}[r${g}.${l} + ${other}]`).join(', ');
        return `a${g}0 += w * vec4f(${loads});`;
      });
  const setup = transposed
    ? [
        'let b4 = p.batch / 4u;',
        'let g0 = b0 / 4u;',
        '// Sample groups past the batch read the last group again and are never stored.',
        ...range(groups - 1).map((g) => `let g${g + 1} = min(g0 + ${g + 1}u, b4 - 1u);`),
      ]
    : [
        '// Samples past the batch read the last sample again and are never stored.',
        'let last = p.batch - 1u;',
        'let s = vec4u(0u, 1u, 2u, 3u);',
        ...range(groups).map(
          (g) => `let r${g} = min(vec4u(b0 + ${4 * g}u) + s, vec4u(last)) * ${ld};`,
        ),
      ];
  const stores = range(samples).flatMap((n) => {
    const at = `(b0 + ${n}u) * ${fwd ? 'p.out_f' : 'p.in_f'} + ${unit}`;
    const v = `a${Math.floor(n / 4)}0.${LANES[n % 4]}`;
    return when(
      `b0 + ${n}u < p.batch`,
      `${out}[${at}] = ${fwd ? reluEpilogue(`${v} + bo`) : reluGradEpilogue(v, at)};`,
    );
  });
  const fmt = nm ? 'nm' : ell ? 'ell' : 'csr';
  const store = nm
    ? 'N:M: row o holds fan_in = groups x N slots at o * fan_in, its weights first, the walk ending at its padding'
    : ell
      ? 'constant fan-in ELL: every row holds fan_in weights at o * fan_in'
      : 'unstructured CSR';
  const what = fwd
    ? `${fmt}_forward${transposed ? ' on transposed activations xt[i][b] (batch % 4 == 0)' : ''}: y[b,o] = sum over the
       stored weights of row o of x[b,i] * w[o,i], plus bias[o] (${store}; missing
       weights cost nothing).`
    : `${fmt}_grad_input${transposed ? ' on transposed output gradients dyt[o][b] (batch % 4 == 0)' : ''}: dx[b,i] = sum over
       the stored weights of column i of dy[b,o] * w[o,i] (${store}, walked through its
       transposed index).`;
  return sparse(
    `${what}${fwd ? ' With RELU != 0, max(y, 0) is stored (the ReLU after the layer, fused).' : ' With HAS_RELU != 0, dx is 0 where relu[b,i] is not > 0 (the ReLU below, fused).'} Each invocation computes one ${fwd ? 'output' : 'input'} for ${samples} samples, so each stored weight is
     loaded once per ${samples} samples.${nm ? ' Invocation (x, y) is sample slice x of output y.' : ''}`,
    [
      transposed ? `${srcT}: vec4f` : `${src}: f32`,
      'vals: f32',
      ...(ell ? [] : (['row_ptr: u32'] as const)),
      ...(fwd
        ? (['col_idx: u32', 'bias: f32'] as const)
        : (['col_ptr: u32', 't_entry: u32', 'relu: f32'] as const)),
      `mut ${out}: f32`,
    ],
    [...WG_XY, fwd ? RELU_OVERRIDE : RELU_GRAD_OVERRIDE],
    [
      // N:M: x runs over sample slices and y over outputs, so neighbouring lanes share a row:
      // one trip count (its real count) and the same weight loads across them.
      `let ${unit} = gid.${nm ? 'y' : 'x'};`,
      `let b0 = gid.${nm ? 'x' : 'y'} * ${samples}u;`,
      ...guard(`${unit} >= ${unitEnd} || b0 >= p.batch`),
      ...setup,
      ...accumulators(groups, 1),
      ...walk,
      sums,
      '}',
      ...(fwd ? ['let bo = bias[o];'] : []),
      ...stores,
    ],
    fwd ? TILE_COL : undefined,
  );
}

/** Stored weights one invocation of csr_grad_weight_t sums at once, sharing each dy load. */
export const GRAD_WEIGHT_RUN = 4;

/**
 * csr_grad_weight_t (ell_grad_weight_t with `ell`): the stored-weight gradient on transposed
 * inputs, GRAD_WEIGHT_RUN consecutive weights of a row per invocation, so each load of dy^T's
 * row serves that many weights (1.25 loads per multiply-add instead of 2). Each weight's sum
 * is the one csrGradWeight(true) makes, in the same order: the same values.
 */
export function csrGradWeightRun(ell = false): string {
  const n = GRAD_WEIGHT_RUN;
  const run = range(n);
  return sparse(
    `${ell ? 'ell' : 'csr'}_grad_weight on transposed activations and output gradients (batch % 4
     == 0): the weight gradient of the stored weights only, dw[k] = sum_b dy[b,o] x[b,i] for
     stored weight k = (o, i), in the values' order, four samples per load${ell ? ' (constant fan-in ELL: row o is o * fan_in ..)' : ''}. Invocation
     (o, s) takes the row's runs of ${n} weights from s * ${n}, every SLOTS * ${n}; each load of
     dy^T serves the whole run. With HAS_BIAS != 0, slot 0 also stores the bias gradient
     db[o] = sum_b dy[b,o].`,
    [
      'dyt: vec4f',
      'xt: vec4f',
      ...(ell ? [] : (['row_ptr: u32'] as const)),
      'col_idx: u32',
      'mut dw: f32',
      'mut db: f32',
    ],
    [...WG_XY, SLOTS, HAS_BIAS],
    [
      'let o = gid.x;',
      'let s = gid.y;',
      ...guard('o >= p.out_f || s >= SLOTS'),
      'let b4 = p.batch / 4u;',
      'let drow = o * b4;',
      ell ? 'let end = o * p.fan_in + p.fan_in;' : 'let end = row_ptr[o + 1u];',
      `for (var k = ${ell ? 'o * p.fan_in' : 'row_ptr[o]'} + s * ${n}u; k < end; k += SLOTS * ${n}u) {`,
      [
        "// Weights past the row's end read its last weight again and are never stored.",
        ...run.map((j) => `let x${j} = tile_col(${j ? `min(k + ${j}u, end - 1u)` : 'k'}) * b4;`),
        ...accumulators(n, 1),
        'for (var g = 0u; g < b4; g++) {',
        ['let d = dyt[drow + g];', ...run.map((j) => `a${j}0 += d * xt[x${j} + g];`)],
        '}',
        ...run.flatMap((j) => {
          const store = `dw[k${j ? ` + ${j}u` : ''}] = a${j}0.x + a${j}0.y + a${j}0.z + a${j}0.w;`;
          return j ? when(`k + ${j}u < end`, store) : [store];
        }),
      ],
      '}',
      ...biasSum('s == 0u', 'o', true),
    ],
    TILE_COL,
  );
}

/**
 * csr_grad_weight (ell_grad_weight with `ell`, nm_grad_weight with `nm`: padding slots get 0):
 * the gradient of the stored weights only, in the values' order.
 */
export function csrGradWeight(transposed: boolean, ell = false, nm = false): string {
  const [dy, x, ty] = transposed ? ['dyt', 'xt', 'vec4f'] : ['dy', 'x', 'f32'];
  const pad: Code[] = nm ? ['if (i >= p.in_f) {', ['dw[k] = 0.0;', 'continue;'], '}'] : [];
  const sum: Code[] = transposed
    ? [
        ...(nm
          ? ['let i = tile_col(k);', ...pad, 'let xrow = i * b4;']
          : ['let xrow = tile_col(k) * b4;']),
        'var acc = vec4f(0.0);',
        'for (var g = 0u; g < b4; g++) {',
        ['acc += dyt[drow + g] * xt[xrow + g];'],
        '}',
        'dw[k] = acc.x + acc.y + acc.z + acc.w;',
      ]
    : [
        'let i = tile_col(k);',
        ...pad,
        'var acc = 0.0;',
        'for (var b = 0u; b < p.batch; b++) {',
        ['acc += dy[b * p.out_f + o] * x[b * p.in_f + i];'],
        '}',
        'dw[k] = acc;',
      ];
  return sparse(
    `${nm ? 'nm' : ell ? 'ell' : 'csr'}_grad_weight${transposed ? ' on transposed activations and output gradients (batch % 4 == 0)' : ''}: the weight
     gradient of the stored weights only, dw[k] = sum_b dy[b,o] x[b,i] for stored weight
     k = (o, i), in the values' order${transposed ? ', four samples per load' : ''}${nm ? ' (N:M: row o is o * fan_in .., padding slots get 0; invocation (s, o))' : ell ? ' (constant fan-in ELL: row o is o * fan_in ..)' : ''}. Invocation (o, s) takes the row's
     weights s, s + SLOTS, ...; each sums over the batch. With HAS_BIAS != 0, slot 0 also stores
     the bias gradient db[o] = sum_b dy[b,o].`,
    [
      `${dy}: ${ty}`,
      `${x}: ${ty}`,
      ...(ell ? [] : (['row_ptr: u32'] as const)),
      'col_idx: u32',
      'mut dw: f32',
      'mut db: f32',
    ],
    [...WG_XY, SLOTS, HAS_BIAS],
    [
      // N:M: x runs over slots and y over rows, so neighbouring lanes take neighbouring slots
      // of one row (every row has fan_in of them: one trip count).
      `let o = gid.${nm ? 'y' : 'x'};`,
      `let s = gid.${nm ? 'x' : 'y'};`,
      ...guard('o >= p.out_f || s >= SLOTS'),
      ...(transposed ? ['let b4 = p.batch / 4u;', 'let drow = o * b4;'] : []),
      ell ? 'let end = o * p.fan_in + p.fan_in;' : 'let end = row_ptr[o + 1u];',
      `for (var k = ${ell ? 'o * p.fan_in' : 'row_ptr[o]'} + s; k < end; k += SLOTS) {`,
      sum,
      '}',
      ...biasSum('s == 0u', 'o', transposed),
    ],
    TILE_COL,
  );
}
