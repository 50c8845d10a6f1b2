/**
 * The command line of `npm run sweep`: its own flags, and the flags it hands on to every
 * experiment (`--timeout`, `--max-memory`, `--runtime`, ...), which `npm run experiment`'s own
 * parser checks before anything runs.
 */

export interface SweepArgs {
  help: boolean;
  /** The sweep file. */
  file: string;
  /** Output folder: records, logs, summary.csv, summary.svg. */
  dir: string;
  /** Experiments run at once. */
  jobs: number;
  /** Run only this experiment (as typed; checked against the sweep's size later). */
  index: string | null;
  summarize: boolean;
  dryRun: boolean;
  /** An already-built site to serve, instead of building one for the sweep. */
  site: string | null;
  /** The parameter on the plot's x axis, when not the sweep's choice. */
  x: string | null;
  /** Flags for every experiment, as typed. */
  passOn: string[];
}

export const DEFAULT_DIR = 'sweep-out';

/** Flags the sweep sets itself for each experiment, so a user's would clash. */
const OWN_PER_EXPERIMENT = ['out', 'export', 'expect'];

const clip = (s: string, max = 40) => (s.length > max ? `${s.slice(0, max)}…` : s);

export const SWEEP_USAGE = `Usage: npm run -s sweep -- FILE [--jobs=N] [--dir=DIR] [--index=N] [--dry-run]
       npm run -s sweep -- FILE --summarize [--dir=DIR] [--x=PARAM]

Runs every experiment of the sweep FILE (one query a line; a value may list choices, as in
"method=snfs,set&density=0.05,0.1&seed=17,18", for every combination; a list's items are
written with dashes, "hidden=300-100,16-10"; "#" starts a comment) with npm run experiment,
one run record and log per experiment in DIR, then DIR/summary.csv and DIR/summary.svg.

  --jobs=N        experiments at once (default 1)
  --dir=DIR       output folder (default ${DEFAULT_DIR})
  --index=N       run only experiment N, numbered from 0 (a job-array index), no summary
  --summarize     run nothing: gather the records in DIR into summary.csv and summary.svg
  --x=PARAM       the swept parameter on the plot's x axis (default: the first numeric one)
  --site=DIR      serve this built site (npx vite build --outDir DIR) instead of building one
  --dry-run       list the experiments and stop
  --help          this text

Other flags (--timeout=S, --max-memory=MB, --runtime=...) go to every experiment.
Exit code: 0 when every experiment finished, 1 when any did not (the others still ran),
2 for a bad file or flag (nothing ran), 130 on Ctrl-C (every experiment is stopped).
`;

/** Reads the arguments, or says what is wrong with them. */
export function parseSweepArgs(argv: readonly string[]): SweepArgs | { error: string } {
  const out: SweepArgs = {
    help: false,
    file: '',
    dir: DEFAULT_DIR,
    jobs: 1,
    index: null,
    summarize: false,
    dryRun: false,
    site: null,
    x: null,
    passOn: [],
  };
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') out.help = true;
    else if (arg === '--summarize') out.summarize = true;
    else if (arg === '--dry-run') out.dryRun = true;
    else if (!arg.startsWith('--')) files.push(arg);
    else {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const value = eq < 0 ? '' : arg.slice(eq + 1);
      if (name === 'jobs') {
        if (!/^[1-9]\d*$/.test(value))
          return { error: `--jobs needs a whole number >= 1, not "${clip(value)}"` };
        out.jobs = Number(value);
      } else if (name === 'dir' || name === 'site' || name === 'x') {
        if (value === '') return { error: `--${name} needs a value (--${name}=...)` };
        out[name] = value;
      } else if (name === 'index') {
        out.index = value;
      } else if (OWN_PER_EXPERIMENT.includes(name)) {
        return { error: `--${name} is set by the sweep for each experiment (see --dir)` };
      } else out.passOn.push(arg);
    }
  }
  if (out.help) return out;
  if (files.length !== 1)
    return {
      error:
        files.length === 0
          ? 'no sweep file given (see --help)'
          : `one sweep file, not ${files.length} (${files.map((f) => clip(f, 20)).join(', ')})`,
    };
  out.file = files[0];
  if (out.summarize && out.index !== null)
    return { error: '--summarize runs nothing, so --index does not apply' };
  return out;
}
