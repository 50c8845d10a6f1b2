// The command line of `npm run experiment`: flags, the query, the exit codes and the help text.

/** Exit codes, one meaning each, so a script can tell a result from a refusal from a failure. */
export const EXIT = {
  /** The run finished: every epoch is on stdout. */
  done: 0,
  /** Something failed (build, browser, page crash, time or memory limit): no result. */
  failed: 1,
  /** The configuration was refused (invalid parameters, too big for the device): nothing ran. */
  refused: 2,
  /** The loss diverged: the epochs before it are on stdout; the run itself is the result. */
  diverged: 3,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM, as shells number them (128 + signal). */
  sigint: 130,
  sigterm: 143,
};

/**
 * The exit code and message prefix for the worker's `error`, by its `reason`
 * (src/worker/protocol.ts): a refusal (too big for the device or the memory budgets) exits 2
 * like invalid parameters, a divergence 3, anything else (no reason: the worker crashed) 1.
 */
export function errorExit(reason) {
  if (reason === 'too-big') return [EXIT.refused, 'refused: '];
  if (reason === 'diverged') return [EXIT.diverged, ''];
  return [EXIT.failed, 'error: '];
}

/** Six hours: far beyond a full MNIST or CIFAR-10 run on SwiftShader, short of a runaway. */
export const DEFAULT_TIMEOUT_S = 6 * 3600;
/** The browser's processes together; a normal run stays well under 1.5 GB. */
export const DEFAULT_MAX_MEMORY_MB = 4096;

export const USAGE = `Usage: npm run -s experiment -- [--timeout=SECONDS] [--max-memory=MB] [--export=DIR] '<query>'
       node scripts/experiment.mjs [flags] '<query>'

Builds the app, serves it on 127.0.0.1, runs the experiment the query describes (the part of a
playground link after "?", e.g. 'density=0.05&epochs=5&seed=17') in headless Chromium with
WebGPU, and prints one JSON line per epoch on stdout; progress goes to stderr. Use
"npm run -s" (silent): plain "npm run" prints its own banner on stdout first.

  --timeout=SECONDS   stop the whole run (build included) after this long;
                      default ${DEFAULT_TIMEOUT_S} (6 hours), 0 for no limit
  --max-memory=MB     stop when the browser's processes together use more than this
                      (proportional set size, read from /proc every 2 s);
                      default ${DEFAULT_MAX_MEMORY_MB}, 0 for no limit
  --export=DIR        when the run finishes, write the trained network to DIR/model.onnx
                      (ONNX, the same file as the page's "Download model (ONNX)")
  --help              this text

Exit codes: ${EXIT.done} finished; ${EXIT.refused} refused (invalid parameters, or too big for the device),
nothing ran; ${EXIT.diverged} the loss diverged (the epochs before it are printed); ${EXIT.failed} failure (build,
browser, page crash, time or memory limit); ${EXIT.sigint} Ctrl-C, ${EXIT.sigterm} SIGTERM (temporary files removed).
`;

/** Cuts what a person typed to `max` characters, so an error never echoes a megabyte back. */
export function clip(text, max = 100) {
  const chars = Array.from(String(text));
  return chars.length > max
    ? `${chars.slice(0, max).join('')}… (${chars.length} characters)`
    : text;
}

function limitFlag(name, raw) {
  if (!/^\d+(\.\d+)?$/.test(raw))
    return { error: `--${name} needs a number >= 0, not "${clip(raw, 40)}"` };
  return { value: Number(raw) };
}

/**
 * Reads the arguments: `--flag=value` options anywhere, every other argument a piece of the
 * query (joined with "&", a leading "?" dropped, as copied from a link). Returns the settings,
 * or `{ error }` for a flag it does not know or cannot read.
 */
export function parseArgs(argv) {
  const out = {
    help: false,
    query: '',
    timeoutS: DEFAULT_TIMEOUT_S,
    maxMemoryMB: DEFAULT_MAX_MEMORY_MB,
    exportDir: null,
  };
  const pieces = [];
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg !== '') pieces.push(arg.replace(/^\?/, ''));
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const raw = eq < 0 ? '' : arg.slice(eq + 1);
    if (name === 'export') {
      if (raw === '') return { error: '--export needs a folder: --export=DIR' };
      out.exportDir = raw;
      continue;
    }
    const key = { timeout: 'timeoutS', 'max-memory': 'maxMemoryMB' }[name];
    if (!key) return { error: `unknown option "${clip(arg, 40)}" (see --help)` };
    const parsed = limitFlag(name, raw);
    if ('error' in parsed) return parsed;
    out[key] = parsed.value;
  }
  out.query = pieces.join('&');
  return out;
}
