import type { ExperimentConfig } from '../config';
import { compareRunCount, formatCompare, type CompareGroup } from '../url/compare';
import { COMPARABLE, compareGroups, formatValue } from '../url/params';
import { compareLabels } from './compareLabels';
import { runLink } from './exportRun';
import { expectedEpochSeconds } from './runFigures';
import type { RunRecord } from './store';

/**
 * A comparison on screen: runs that vary the experiment of the settings, which it leaves
 * alone (they and the address bar stay the person's own).
 */
export interface Comparison {
  title: string;
  /** What it shows; for a quick variant also what it cannot. */
  note: string;
  /** The experiment its runs vary: the settings when it started. */
  base: ExperimentConfig;
  runs: ExperimentConfig[];
  /** What differs between the runs, one label each ("SET", "dense 16-10"). */
  labels: string[];
  /** History id of each run once it has ended, in run order. */
  ids: (number | null)[];
}

const copy = (v: unknown): unknown => (Array.isArray(v) ? [...(v as unknown[])] : v);

/**
 * The runs a `compare` value makes of the base experiment, in order: the base with each run's
 * values, its own `compare` cleared and autorun off (a run is one experiment, not a link to
 * another comparison). An empty value makes no runs.
 */
export function expandCompare(base: ExperimentConfig, spec: string): ExperimentConfig[] {
  const groups = compareGroups(spec);
  return Array.from({ length: compareRunCount(groups) }, (_, i) => {
    const run: Record<string, unknown> = { ...base, compare: '', autorun: false };
    for (const g of groups) run[g.key] = copy(g.values[g.values.length === 1 ? 0 : i]);
    return run as unknown as ExperimentConfig;
  });
}

/**
 * The `compare` value that turns the base into these runs (the inverse of `expandCompare` on
 * training parameters): every parameter some run sets differently from the base (the method
 * first), once when all runs share the value. Runs that do not differ at all are kept apart by their seed.
 */
export function describeCompare(base: ExperimentConfig, runs: readonly ExperimentConfig[]): string {
  const groups: CompareGroup[] = [];
  // The method first, as a person names a comparison; the rest in the table's order.
  const keys = [...new Set(['method' as const, ...COMPARABLE.map((p) => p.key)])];
  for (const key of keys) {
    const values = runs.map((r) => r[key]);
    const text = values.map(formatValue);
    if (text.every((t) => t === formatValue(base[key]))) continue;
    groups.push({ key, values: text.every((t) => t === text[0]) ? [values[0]] : values });
  }
  if (runs.length > 1 && compareRunCount(groups) <= 1) {
    // Every run the same: one group listed per run still makes as many runs.
    if (groups.length === 0) groups.push({ key: 'seed', values: [] });
    groups[0].values = runs.map((r) => r[groups[0].key]);
  }
  return formatCompare(groups);
}

/** The link that opens these runs as a comparison of the base, on the page at `href`. */
export function compareLink(
  base: ExperimentConfig,
  runs: readonly ExperimentConfig[],
  href: string,
): string {
  return runLink({ ...base, compare: describeCompare(base, runs) }, href);
}

/** A comparison of these runs, labelled by what differs, none of them run yet. */
export function newComparison(
  title: string,
  note: string,
  base: ExperimentConfig,
  runs: ExperimentConfig[],
): Comparison {
  return { title, note, base, runs, labels: compareLabels(runs), ids: runs.map(() => null) };
}

/** How long runs will take on this device, as far as earlier runs here tell. */
export interface ExpectedTime {
  /** Sum over the runs whose time is known. */
  seconds: number;
  /** Runs no earlier run of the same shape has timed. */
  unknown: number;
  /** Some time was scaled from a run on another number of training images. */
  scaled: boolean;
}

/**
 * Each run's epochs times its expected seconds per epoch (`expectedEpochSeconds`, the run
 * bar's figure before Start), from a run of the same shape in this session; failing that, of
 * the same shape on another number of training images, scaled by the image count.
 */
export function expectedTime(
  runs: readonly ExperimentConfig[],
  history: readonly RunRecord[],
): ExpectedTime {
  const out: ExpectedTime = { seconds: 0, unknown: 0, scaled: false };
  for (const run of runs) {
    const exact = expectedEpochSeconds(run, history);
    const perEpoch = exact ?? expectedEpochSeconds(run, history, true);
    if (perEpoch === null) out.unknown++;
    else out.seconds += perEpoch * run.epochs;
    if (exact === null && perEpoch !== null) out.scaled = true;
  }
  return out;
}
