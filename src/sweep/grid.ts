/**
 * Sweep files: many experiments written as a few lines. Each line is a query whose values may
 * list several choices, and the line stands for every combination of them (the cartesian
 * product, the first parameter outermost):
 *
 *     # three methods, two densities, three seeds: 18 experiments
 *     method=snfs,set,rigl&density=0.05,0.1&seed=17,18,19&train=2000&epochs=2
 *     hidden=300-100,16-10&density=0.05,1
 *
 * Values are read exactly as the comparison grammar reads them (src/url/compare.ts): commas
 * separate choices, so a list's own commas are written as dashes (`hidden=300-100`). `#`
 * starts a comment; blank lines are ignored.
 */

import { parseValueList, formatListValue } from '../url/compare';
import { COMPARABLE, defaultConfig, formatValue, type ParamKey } from '../url/params';

/** More than this is a typo in a grid, not a sweep anyone can run. */
export const MAX_EXPERIMENTS = 10_000;

/** One experiment of a sweep. */
export interface Experiment {
  /** Its number in the sweep, from 0 (file names, `--index`, the CSV). */
  index: number;
  /** The 1-based line of the sweep file it comes from. */
  line: number;
  /** The query handed to `npm run experiment`, parameters in the order of the line. */
  query: string;
  /** Its value of each parameter its line names (and the default of a swept one it does not), as a sweep file writes it. */
  values: Partial<Record<ParamKey, string>>;
}

export interface Sweep {
  experiments: Experiment[];
  /** The parameters that take more than one value across the sweep, in order of appearance. */
  swept: ParamKey[];
}

/** A sweep file that cannot be read: every problem, each naming its line. */
export class SweepFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The lines of a file with their 1-based numbers, comments and blank lines left out. */
function contentLines(text: string): { line: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.replace(/#.*/, '').trim() }))
    .filter((l) => l.text !== '');
}

const clipped = (s: string, max = 40) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** Reads one line into its parameters and their choices, or the reason it cannot be read. */
function readLine(text: string): { params: [ParamKey, unknown[]][] } | { problem: string } {
  const params: [ParamKey, unknown[]][] = [];
  for (const [name, raw] of new URLSearchParams(text.replace(/^\?/, ''))) {
    const spec = COMPARABLE.find((p) => p.key === name || p.legacy?.includes(name));
    if (!spec) return { problem: `"${clipped(name, 20)}" is not a training parameter` };
    if (params.some(([key]) => key === spec.key))
      return { problem: `${spec.key} is given more than once` };
    if (raw.trim() === '') return { problem: `${spec.key} has no value` };
    const read = parseValueList(spec, raw);
    if (!read.ok)
      return { problem: `${spec.key}=${clipped(read.item, 20)} is refused: it ${read.reason}` };
    params.push([spec.key, read.values]);
  }
  return { params };
}

/** Every combination of the choices, the first parameter outermost (as nested loops read). */
function product(params: [ParamKey, unknown[]][]): [ParamKey, unknown][][] {
  return params.reduce<[ParamKey, unknown][][]>(
    (combos, [key, choices]) =>
      combos.flatMap((c) => choices.map((v): [ParamKey, unknown][] => [...c, [key, v]])),
    [[]],
  );
}

/** The query of one combination, each value written as a link writes it (lists with commas). */
function queryOf(combo: [ParamKey, unknown][]): string {
  const query = new URLSearchParams(combo.map(([key, v]) => [key, formatValue(v)]));
  return query.toString().replaceAll('%2C', ',');
}

/**
 * Expands a sweep file into its experiments, numbered from 0 in file order. Throws a
 * `SweepFileError` listing every bad line (its number, the parameter and why), so nothing runs
 * from a file with a typo in it.
 */
export function expandSweep(text: string): Sweep {
  const problems: string[] = [];
  const experiments: Experiment[] = [];
  for (const { line, text: content } of contentLines(text)) {
    const read = readLine(content);
    if ('problem' in read) {
      problems.push(`line ${line}: ${read.problem} ("${clipped(content, 60)}")`);
      continue;
    }
    const count = read.params.reduce((n, [, choices]) => n * choices.length, 1);
    if (experiments.length + count > MAX_EXPERIMENTS) {
      problems.push(
        `line ${line}: makes the sweep ${experiments.length + count} experiments, more than ${MAX_EXPERIMENTS}`,
      );
      break;
    }
    for (const combo of product(read.params)) {
      experiments.push({
        index: experiments.length,
        line,
        query: queryOf(combo),
        values: Object.fromEntries(combo.map(([key, v]) => [key, formatListValue(v)])),
      });
    }
  }
  if (problems.length > 0) throw new SweepFileError(problems);
  if (experiments.length === 0)
    throw new SweepFileError(['the file has no experiment (only comments or blank lines)']);
  const swept = sweptKeys(experiments);
  // A line that leaves a swept parameter out runs its default: say so in its values.
  const defaults = defaultConfig();
  for (const e of experiments)
    for (const key of swept) e.values[key] ??= formatListValue(defaults[key]);
  return { experiments, swept };
}

/** The parameters whose value differs between experiments (one absent from a line counts). */
function sweptKeys(experiments: readonly Experiment[]): ParamKey[] {
  const defaults = defaultConfig();
  const keys: ParamKey[] = [];
  for (const e of experiments)
    for (const key of Object.keys(e.values) as ParamKey[]) if (!keys.includes(key)) keys.push(key);
  const valueOf = (e: Experiment, key: ParamKey) => e.values[key] ?? formatListValue(defaults[key]);
  return keys.filter((key) => new Set(experiments.map((e) => valueOf(e, key))).size > 1);
}

/**
 * The experiment `--index` names, numbered from 0 as Slurm job arrays (`--array=0-11`) and
 * Kubernetes indexed Jobs (`JOB_COMPLETION_INDEX`) count. Throws with the valid range when
 * `raw` is not a whole number in it.
 */
export function selectIndex(sweep: Sweep, raw: string): Experiment {
  const last = sweep.experiments.length - 1;
  const range = `the sweep has ${sweep.experiments.length} experiments, numbered 0 to ${last}`;
  if (!/^\d+$/.test(raw.trim()))
    throw new Error(`--index needs a whole number from 0 to ${last}, not "${clipped(raw)}"`);
  const n = Number(raw);
  if (n > last) throw new Error(`--index=${n} is out of range: ${range}`);
  return sweep.experiments[n];
}
