/**
 * What a sweep gathers at the end: one row per experiment (its swept values, final figures and
 * how it exited) and the CSV of those rows. Figures come from each run record, reading only
 * what the run-record contract guarantees (`query`, `epochs[].epoch/testAcc/density`,
 * `summary`), so any runtime's records summarize alike.
 */

import { decode } from '../url/params';
import type { ParamKey } from '../url/params';
import type { Experiment, Sweep } from './grid';

/** How the sweep saw one experiment's process end (written beside its record). */
export interface RunStatus {
  /** The process's exit code; null when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  /** Wall-clock seconds from its start to its exit, build of the page and browser included. */
  seconds: number;
}

/** The final figures of a run record. */
export interface RecordFigures {
  testAcc: number;
  density: number;
  epochs: number;
}

export interface SummaryRow {
  index: number;
  query: string;
  /** The experiment's value of each swept parameter, as the sweep file writes it. */
  values: Partial<Record<ParamKey, string>>;
  testAcc: number | null;
  density: number | null;
  epochs: number | null;
  seconds: number | null;
  exitCode: number | null;
  /** One word: done, failed, refused, diverged, interrupted, terminated, missing, bad-record. */
  status: string;
  /** Why a record could not be used, when it could not. */
  problem?: string;
}

/** Exit codes of `npm run experiment` (scripts/experiment/args.mjs EXIT), as one word each. */
const STATUS_OF_EXIT: Record<number, string> = {
  0: 'done',
  1: 'failed',
  2: 'refused',
  3: 'diverged',
  130: 'interrupted',
  143: 'terminated',
};

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The final test accuracy and density of a run record: its `summary`, or else its last
 * epoch. Returns a reason instead when the document is not a record of `expected` (another
 * experiment's, say from another sweep file written into the same folder) or holds no epoch.
 */
export function recordFigures(
  record: unknown,
  expected: Experiment,
): RecordFigures | { problem: string } {
  if (typeof record !== 'object' || record === null) return { problem: 'is not a JSON object' };
  const r = record as { query?: unknown; epochs?: unknown; summary?: unknown };
  if (typeof r.query !== 'string') return { problem: 'has no query' };
  const same =
    JSON.stringify(decode(r.query).config) === JSON.stringify(decode(expected.query).config);
  if (!same)
    return {
      problem: `is the record of "${r.query}", not of experiment ${expected.index} ("${expected.query}"): was the folder used for another sweep?`,
    };
  const epochs = Array.isArray(r.epochs)
    ? (r.epochs as { testAcc?: unknown; density?: unknown }[])
    : [];
  const summary = (r.summary ?? {}) as { testAcc?: unknown; density?: unknown; epochs?: unknown };
  const last = epochs.at(-1);
  const testAcc = isNumber(summary.testAcc) ? summary.testAcc : last?.testAcc;
  const density = isNumber(summary.density) ? summary.density : last?.density;
  if (!isNumber(testAcc) || !isNumber(density)) return { problem: 'holds no finished epoch' };
  return { testAcc, density, epochs: isNumber(summary.epochs) ? summary.epochs : epochs.length };
}

/**
 * One row per experiment of the sweep, from what its folder holds: `outcomes[i]` is the
 * status and parsed record of experiment i, either absent when it has not run (yet).
 */
export function summaryRows(
  sweep: Sweep,
  outcomes: readonly { status?: RunStatus; record?: unknown }[],
): SummaryRow[] {
  return sweep.experiments.map((e) => {
    const { status, record } = outcomes[e.index] ?? {};
    const values = Object.fromEntries(sweep.swept.map((k) => [k, e.values[k] ?? '']));
    const row: SummaryRow = {
      index: e.index,
      query: e.query,
      values,
      testAcc: null,
      density: null,
      epochs: null,
      seconds: status?.seconds ?? null,
      exitCode: status?.exitCode ?? null,
      status: 'missing',
    };
    if (status) {
      row.status =
        status.exitCode === null
          ? `killed (${status.signal})`
          : (STATUS_OF_EXIT[status.exitCode] ?? 'failed');
    }
    if (record !== undefined) {
      const figures = recordFigures(record, e);
      if ('problem' in figures) {
        row.status = 'bad-record';
        row.problem = `the record ${figures.problem}`;
      } else {
        Object.assign(row, figures);
        if (!status) row.status = 'done';
      }
    } else if (status?.exitCode === 0) {
      row.status = 'bad-record';
      row.problem = 'it exited 0 but wrote no record';
    }
    return row;
  });
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The columns after the swept parameters: named so that none is a parameter's name (a sweep
 * of `density` or `epochs` has a column of that name already).
 */
export const FIGURE_COLUMNS = ['final_testAcc', 'final_density', 'epochs_done', 'seconds'];

/** The summary as CSV: index, query, one column per swept parameter, figures, exit status. */
export function summaryCsv(sweep: Sweep, rows: readonly SummaryRow[]): string {
  const header = ['index', 'query', ...sweep.swept, ...FIGURE_COLUMNS];
  const lines = [[...header, 'exit', 'status'].map(field).join(',')];
  for (const r of rows) {
    const seconds = r.seconds === null ? null : Math.round(r.seconds * 10) / 10;
    const cells: (string | number | null)[] = [r.index, r.query];
    cells.push(...sweep.swept.map((k) => r.values[k] ?? ''));
    cells.push(r.testAcc, r.density, r.epochs, seconds, r.exitCode, r.status);
    lines.push(cells.map(field).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Mean and sample standard deviation (n − 1; 0 for a single value), as seeds are reported. */
export function meanSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: 0, n };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

/** A line of the summary for a person: how many experiments ended how. */
export function statusCounts(rows: readonly SummaryRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}
