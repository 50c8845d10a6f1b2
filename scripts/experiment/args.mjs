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
  /** --expect: the rerun differs from the record (beyond the tolerance on another device). */
  different: 4,
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

export const USAGE = `Usage: npm run -s experiment -- [flags] '<query>'
       npm run -s experiment -- [flags] --expect=run.json
       node scripts/experiment.mjs [flags] '<query>'

Builds the app, serves it on 127.0.0.1, runs the experiment the query describes (the part of a
playground link after "?", e.g. 'density=0.05&epochs=5&seed=17') in headless Chromium with
WebGPU, and prints one JSON line per epoch on stdout (the run record's epoch, with the backend,
adapter and that epoch's mask updates); progress goes to stderr. Use "npm run -s" (silent):
plain "npm run" prints its own banner on stdout first.

  --out=FILE          write the run record (docs/run-record.schema.json) to FILE at the end
  --export=DIR        write DIR/run.json (the record), DIR/metrics.csv (one row per epoch) and
                      DIR/model.onnx (the trained network, as the page's "Download model (ONNX)")
  --expect=FILE       rerun the record in FILE (its full configuration, no query) and print,
                      per epoch, how the rerun differs, then one verdict line: "identical"
                      (same backend and adapter: bit for bit), "within tolerance" (another
                      backend or adapter: accuracy within 0.5 points, loss 0.02, density
                      0.001) or "different"

  --runtime=node      run the same engine and kernels in Node on Dawn's WebGPU (npm "webgpu"),
                      no browser: a GPU through its Vulkan driver, else SwiftShader from
                      Chromium, else the CPU; default chromium
  --timeout=SECONDS   stop the whole run (build included) after this long;
                      default ${DEFAULT_TIMEOUT_S} (6 hours), 0 for no limit
  --max-memory=MB     stop when the browser's processes together use more than this
                      (proportional set size, read from /proc every 2 s);
                      default ${DEFAULT_MAX_MEMORY_MB}, 0 for no limit
  --site=DIR          serve this already-built site (npx vite build --outDir DIR)
                      instead of building one (npm run sweep builds once for all runs)
  --help              this text

Exit codes: ${EXIT.done} finished (with --expect: identical or within tolerance); ${EXIT.refused} refused
(invalid parameters, too big for the device, an unreadable --expect record), nothing ran;
${EXIT.diverged} the loss diverged (the epochs before it are printed); ${EXIT.different} --expect: different;
${EXIT.failed} failure (build, browser, page crash, time or memory limit, a file not written);
${EXIT.sigint} Ctrl-C, ${EXIT.sigterm} SIGTERM (temporary files removed).
`;

/** Where the experiment runs: headless Chromium (the default) or Node on Dawn. */
export const RUNTIMES = ['chromium', 'node'];

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

/** Flags that name a file or folder, and the setting each fills (set only when given). */
const PATH_FLAGS = { out: 'out', export: 'exportDir', expect: 'expect', site: 'site' };

/**
 * Reads the arguments: `--flag=value` options anywhere, every other argument a piece of the
 * query (joined with "&", a leading "?" dropped, as copied from a link). Returns the settings
 * (`site` only when given), or `{ error }` for a flag it does not know or cannot read.
 */
export function parseArgs(argv) {
  const out = {
    help: false,
    query: '',
    timeoutS: DEFAULT_TIMEOUT_S,
    maxMemoryMB: DEFAULT_MAX_MEMORY_MB,
    runtime: 'chromium',
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
    if (name === 'runtime') {
      if (!RUNTIMES.includes(raw))
        return { error: `--runtime is ${RUNTIMES.join(' or ')}, not "${clip(raw, 40)}"` };
      out.runtime = raw;
      continue;
    }
    const file = Object.hasOwn(PATH_FLAGS, name) ? PATH_FLAGS[name] : null;
    if (file) {
      if (raw === '')
        return {
          error: `--${name} needs a path: --${name}=${['export', 'site'].includes(name) ? 'DIR' : 'FILE'}`,
        };
      out[file] = raw;
      continue;
    }
    const limits = { timeout: 'timeoutS', 'max-memory': 'maxMemoryMB' };
    const key = Object.hasOwn(limits, name) ? limits[name] : null;
    if (!key) return { error: `unknown option "${clip(arg, 40)}" (see --help)` };
    const parsed = limitFlag(name, raw);
    if ('error' in parsed) return parsed;
    out[key] = parsed.value;
  }
  out.query = pieces.join('&');
  if (out.expect && out.query)
    return { error: "--expect runs the record's own configuration: give it no query" };
  return out;
}
