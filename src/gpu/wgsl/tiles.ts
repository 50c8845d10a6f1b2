// The register-tiled inner loops and stores shared by the dense and block-sparse matrix
// kernels. Each invocation keeps a rows x cols grid of vec4 accumulators a{r}{c} with constant
// names (unrolled here, never an indexed array: dynamic indexing moves the accumulators into
// memory on SwiftShader and costs 30%+).
import { LANES, range, when, type Code } from './snippets';

/** `let {name}{r} = min({base} + {r}u, {last}) * {stride};` for rows clamped to the edge. */
export function clampedRows(
  name: string,
  base: string,
  last: string,
  n: number,
  stride?: string,
): string[] {
  return range(n).map(
    (r) => `let ${name}${r} = min(${base} + ${r}u, ${last})${stride ? ` * ${stride}` : ''};`,
  );
}

/**
 * One step of the dot-product tile: rows of x against rows of w, both read as vec4 along the
 * shared dimension; a{r}{c} lane l gets dot(x_r, w_{4c+l}).
 */
export function dotStep(t: number, wAt: (j: number) => string, xAt: (r: number) => string) {
  return [
    ...range(t).map((j) => `let w${j} = ${wAt(j)};`),
    ...range(t).map((r) => `let x${r} = ${xAt(r)};`),
    ...range(t).flatMap((r) =>
      range(t / 4).map((c) => {
        const dots = range(4).map((l) => `dot(x${r}, w${4 * c + l})`);
        return `a${r}${c} += vec4f(${dots.join(', ')});`;
      }),
    ),
  ];
}

/**
 * One step of the outer-product tile: a{r}{c} += s_r * v_c for scalars s (one per row) and
 * vec4s v (one per column). With `skipZero` (one row), a zero scalar skips its loads: the
 * skipped term is an exact 0, so the sum is unchanged.
 */
export function outerStep(o: {
  rows: number;
  cols: number;
  s: (r: number) => string;
  v: (c: number) => string;
  skipZero?: boolean;
}): Code[] {
  const scalars = range(o.rows).map((r) => `let s${r} = ${o.s(r)};`);
  const loads = range(o.cols).map((c) => `let v${c} = ${o.v(c)};`);
  const sums = range(o.rows).flatMap((r) =>
    range(o.cols).map((c) => `a${r}${c} += s${r} * v${c};`),
  );
  if (o.skipZero) return [...scalars, ...when('s0 != 0.0', [...loads, ...sums])];
  return [...loads, ...scalars, ...sums];
}

/** Column `c` of a tile starting at vec4 column i4, clamped to the last one (k4 - 1). */
export const vecCol = (c: number) => (c === 0 ? 'i4' : `ic${c}`);

/** `let ic{c} = min(i4 + {c}u, k4 - 1u);` for the columns past the first. */
export const vecCols = (cols: number) =>
  range(cols - 1).map((c) => `let ic${c + 1} = min(i4 + ${c + 1}u, k4 - 1u);`);

/**
 * Stores a tile lane by lane: out[(row0 + r) * ld + col0 + l] = a{r}{l/4}.{l%4} (+ bias),
 * skipping rows past rowEnd and columns past colEnd.
 */
export function laneStore(s: {
  out: string;
  rows: number;
  cols: number;
  row0: string;
  rowEnd: string;
  col0: string;
  colEnd: string;
  ld: string;
  bias?: boolean;
  /** Applies a fused ReLU when the kernel's RELU override is set (the forward epilogue). */
  relu?: boolean;
  /** Applies the backward of the ReLU below when HAS_RELU is set (`reluGradEpilogue`). */
  reluGrad?: boolean;
}): Code[] {
  const biases = s.bias
    ? range(s.cols).flatMap((c) => [
        `let ob${c} = min(vec4u(${s.col0} + ${4 * c}u) + vec4u(0u, 1u, 2u, 3u), vec4u(${s.colEnd} - 1u));`,
        `let bv${c} = vec4f(${LANES.map((l) => `bias[ob${c}.${l}]`).join(', ')});`,
      ])
    : [];
  const rows = range(s.rows).flatMap((r) =>
    when(`${s.row0} + ${r}u < ${s.rowEnd}`, [
      `let row = (${s.row0} + ${r}u) * ${s.ld} + ${s.col0};`,
      ...range(4 * s.cols).flatMap((n) => {
        const c = Math.floor(n / 4);
        const l = LANES[n % 4];
        const sum = `a${r}${c}.${l}${s.bias ? ` + bv${c}.${l}` : ''}`;
        const at = n === 0 ? 'row' : `row + ${n}u`;
        const value = s.relu ? reluEpilogue(sum) : s.reluGrad ? reluGradEpilogue(sum, at) : sum;
        if (n === 0) return [`${s.out}[row] = ${value};`];
        return when(`${s.col0} + ${n}u < ${s.colEnd}`, `${s.out}[${at}] = ${value};`);
      }),
    ]),
  );
  return [...biases, ...rows];
}

/**
 * A forward kernel's stored value with the ReLU after the layer fused in when RELU != 0: the
 * very `max(v, 0.0)` relu_forward would apply to the stored v.
 */
export const reluEpilogue = (v: string): string => `select(${v}, max(${v}, 0.0), RELU != 0u)`;

/** The override that switches `reluEpilogue` on. */
export const RELU_OVERRIDE = 'RELU: u32 = 0u' as const;

/**
 * An input-gradient kernel's stored value with the backward of the ReLU below the layer fused
 * in when HAS_RELU != 0: 0 where the ReLU's output `relu[at]` is not > 0, the very select
 * relu_backward would apply (`vec` for vec4 values).
 */
export const reluGradEpilogue = (v: string, at: string, vec = false): string => {
  const zero = vec ? 'vec4f(0.0)' : '0.0';
  return `select(${v}, select(${zero}, ${v}, relu[${at}] > ${zero}), HAS_RELU != 0u)`;
};

/** The override that switches `reluGradEpilogue` on (its `relu` binding is then read). */
export const RELU_GRAD_OVERRIDE = 'HAS_RELU: u32 = 0u' as const;

/** The forward kernels' store: y[b0 + r][o0 + l] = a + bias[o0 + l], t x t per invocation. */
export const forwardStore = (t: number): Code[] =>
  laneStore({
    out: 'y',
    rows: t,
    cols: t / 4,
    row0: 'b0',
    rowEnd: 'p.batch',
    col0: 'o0',
    colEnd: 'p.out_f',
    ld: 'p.out_f',
    bias: true,
    relu: true,
  });

/** Stores a tile of vec4 columns: out[(row0 + r) * k4 + i4 + c] = a{r}{c}, within bounds. */
export function vecStore(s: {
  out: string;
  rows: number;
  cols: number;
  row0: string;
  rowEnd: string;
  /** Applies the backward of the ReLU below when HAS_RELU is set (`reluGradEpilogue`). */
  reluGrad?: boolean;
}): Code[] {
  const store = (r: number, c: number) => {
    const at = `(${s.row0} + ${r}u) * k4 + i4${c ? ` + ${c}u` : ''}`;
    const v = `a${r}${c}`;
    return `${s.out}[${at}] = ${s.reluGrad ? reluGradEpilogue(v, at, true) : v};`;
  };
  return range(s.rows).flatMap((r) =>
    when(`${s.row0} + ${r}u < ${s.rowEnd}`, [
      store(r, 0),
      ...range(s.cols - 1).flatMap((c) => when(`i4 + ${c + 1}u < k4`, store(r, c + 1))),
    ]),
  );
}
