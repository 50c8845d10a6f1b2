/**
 * `npm run experiment -- --expect=run.json`: how a rerun differs from a record, and the verdict.
 * On the same backend and adapter the app is deterministic, so every figure but the timings must
 * be bit-identical; elsewhere floating point sums in another order, so the headline figures get
 * a tolerance (`TOLERANCE`) and the rest is reported without deciding.
 */
import { flatten, type Cell } from './flat';
import type { RunRecord } from './types';

export type Verdict = 'identical' | 'within tolerance' | 'different';

/** Largest |actual − expected| that still reproduces a run on another backend or adapter. */
export const TOLERANCE: Readonly<Record<string, number>> = {
  testAcc: 0.005,
  trainAcc: 0.005,
  testLoss: 0.02,
  trainLoss: 0.02,
  density: 0.001,
  'layers.*.density': 0.001,
};

/** Timings differ from run to run anywhere: never compared. */
const TIMING = /(^|\.)(seconds|samplesPerSec)$/;

export interface Difference {
  path: string;
  expected: Cell;
  actual: Cell;
  /** actual − expected, for numbers. */
  delta?: number;
  /** The tolerance that applied (another backend or adapter only). */
  tolerance?: number;
  /** Whether it makes the verdict `different`. */
  decides: boolean;
}

export interface EpochDifferences {
  epoch: number;
  differences: Difference[];
}

export interface Comparison {
  verdict: Verdict;
  /** One sentence: what was required and what was found. */
  reason: string;
  /** 'exact' on the same backend and adapter, else the tolerances that applied. */
  required: 'exact' | Readonly<Record<string, number>>;
  /** Per epoch of the record (and any extra epoch of the rerun), with its mask updates and running loss. */
  epochs: EpochDifferences[];
  /** Differences that belong to no epoch: the configuration, the number of epochs. */
  run: Difference[];
  backend: { expected: Cell; actual: Cell };
  adapter: { expected: unknown; actual: unknown };
  app: { expected: RunRecord['app']; actual: RunRecord['app'] };
}

const toleranceOf = (path: string): number | undefined =>
  TOLERANCE[path] ?? TOLERANCE[path.replace(/^layers\.[^.]+\./, 'layers.*.')];

/** Every differing cell of two flattened objects, by path, under `prefix`. */
function differences(
  expected: unknown,
  actual: unknown,
  prefix: string,
  exact: boolean,
): Difference[] {
  const e = flatten(expected ?? {}, { matrices: true });
  const a = flatten(actual ?? {}, { matrices: true });
  const out: Difference[] = [];
  for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const path = prefix + key;
    if (TIMING.test(path)) continue;
    const ev = key in e ? e[key] : null;
    const av = key in a ? a[key] : null;
    if (Object.is(ev, av)) continue;
    const d: Difference = { path, expected: ev, actual: av, decides: true };
    if (typeof ev === 'number' && typeof av === 'number') d.delta = av - ev;
    if (!exact) {
      const tol = prefix === '' ? toleranceOf(key) : undefined;
      if (tol !== undefined) d.tolerance = tol;
      // A figure with a tolerance decides by it; a missing one (another layer) always decides.
      d.decides =
        !(key in e) ||
        !(key in a) ||
        (tol !== undefined && !(Math.abs(d.delta ?? Infinity) <= tol));
    }
    out.push(d);
  }
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Compares a rerun with the record it reproduces: per epoch (its figures, the mask updates and
 * running loss of that epoch), then the verdict. The same backend and adapter must give every
 * figure bit for bit; another gets `TOLERANCE` on the headline figures.
 */
export function compareRecords(expected: RunRecord, actual: RunRecord): Comparison {
  const exact =
    expected.runtime.backend === actual.runtime.backend &&
    sameJson(expected.runtime.adapter, actual.runtime.adapter);
  const run: Difference[] = [];
  if (!sameJson(expected.config, actual.config))
    run.push(...differences(expected.config, actual.config, 'config.', true));
  if (expected.epochs.length !== actual.epochs.length)
    run.push({
      path: 'summary.epochs',
      expected: expected.epochs.length,
      actual: actual.epochs.length,
      decides: true,
    });
  const count = Math.max(expected.epochs.length, actual.epochs.length);
  const epochs: EpochDifferences[] = [];
  for (let i = 0; i < count; i++) {
    const epoch = i + 1;
    const found = differences(expected.epochs[i], actual.epochs[i], '', exact);
    expected.maskUpdates.forEach((u, k) => {
      if (u.epoch === epoch)
        found.push(...differences(u, actual.maskUpdates[k], `maskUpdates.${k}.`, exact));
    });
    actual.maskUpdates.forEach((u, k) => {
      if (u.epoch === epoch && k >= expected.maskUpdates.length)
        found.push(...differences(null, u, `maskUpdates.${k}.`, exact));
    });
    const steps = (r: RunRecord) =>
      Object.fromEntries(
        r.runningLoss.filter((p) => p.epoch === epoch).map((p) => [p.globalStep, p.trainLoss]),
      );
    found.push(...differences(steps(expected), steps(actual), 'runningLoss.', exact));
    // The running loss is reported, but with a tolerance only the epoch's own figures decide.
    if (!exact) for (const d of found) if (!/^[a-zA-Z]+$|^layers\./.test(d.path)) d.decides = false;
    epochs.push({ epoch, differences: found });
  }
  const deciding = [...run, ...epochs.flatMap((e) => e.differences)].filter((d) => d.decides);
  const verdict: Verdict =
    deciding.length > 0 ? 'different' : exact ? 'identical' : 'within tolerance';
  const where = exact
    ? `same backend and adapter (${describe(expected)}), so every figure must be bit-identical`
    : `another backend or adapter (${describe(expected)} then, ${describe(actual)} now), so accuracy must be within ${TOLERANCE.testAcc * 100} points, loss within ${TOLERANCE.testLoss}, density within ${TOLERANCE.density}`;
  const found =
    deciding.length === 0
      ? 'and it is'
      : `but ${deciding.length} ${deciding.length === 1 ? 'figure differs' : 'figures differ'}, first ${deciding[0].path} (${deciding[0].expected} then, ${deciding[0].actual} now)`;
  return {
    verdict,
    reason: `${where}, ${found}.`,
    required: exact ? 'exact' : TOLERANCE,
    epochs,
    run,
    backend: { expected: expected.runtime.backend, actual: actual.runtime.backend },
    adapter: { expected: expected.runtime.adapter, actual: actual.runtime.adapter },
    app: { expected: expected.app, actual: actual.app },
  };
}

function describe(r: RunRecord): string {
  const a = r.runtime.adapter;
  const adapter = a ? [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') : '?';
  return `${r.runtime.backend ?? 'unknown backend'}, ${adapter || 'unnamed adapter'}`;
}
