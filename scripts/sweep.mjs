#!/usr/bin/env node
// npm run -s sweep -- FILE [--jobs=N] [--dir=DIR] [--index=N] [--summarize] [--dry-run] [flags]
// Expands a sweep file (src/sweep/grid.ts) into experiments and runs each with
// scripts/experiment.mjs as a child process, --jobs at a time, on one site built for them all.
// Each experiment leaves DIR/NNN.json (its run record, --out), NNN.log (stderr), NNN.jsonl
// (its stdout, one JSON line per epoch) and NNN.status.json (exit code, seconds); at the end
// DIR/summary.csv and DIR/summary.svg gather them (src/sweep/summary.ts, plot.ts). A failed
// experiment is reported and the others go on; Ctrl-C stops every child and waits for them.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync } from 'node:fs';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { clip, parseArgs as parseExperimentArgs } from './experiment/args.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s) => process.stderr.write(`${s}\n`);
const EXIT = { done: 0, someFailed: 1, refused: 2, sigint: 130, sigterm: 143 };
/** The runner of one experiment. */
const EXPERIMENT_SCRIPT = join(root, 'scripts/experiment.mjs');

const { module: sw } = await runnerImport(join(root, 'src/sweep/index.ts'), {
  configFile: false,
  logLevel: 'error',
});

const args = sw.parseSweepArgs(process.argv.slice(2));
if ('error' in args) {
  log(`sweep: ${args.error}`);
  process.exit(EXIT.refused);
}
if (args.help) {
  process.stdout.write(sw.SWEEP_USAGE);
  process.exit(EXIT.done);
}

let sweep;
try {
  sweep = sw.expandSweep(readFileSync(args.file, 'utf8'));
} catch (e) {
  const lines = e instanceof sw.SweepFileError ? e.problems : [e.message];
  for (const line of lines) log(`sweep: ${args.file}: ${line}`);
  log('sweep: nothing was run.');
  process.exit(EXIT.refused);
}
const width = Math.max(3, String(sweep.experiments.length - 1).length);
const name = (i) => String(i).padStart(width, '0');
const dir = resolve(args.dir);
const files = (i) => ({
  record: join(dir, `${name(i)}.json`),
  log: join(dir, `${name(i)}.log`),
  stdout: join(dir, `${name(i)}.jsonl`),
  status: join(dir, `${name(i)}.status.json`),
});

// The flags for every experiment, checked by the experiment runner's own parser before anything runs.
const checked = parseExperimentArgs([...args.passOn, sweep.experiments[0].query]);
if ('error' in checked) {
  log(`sweep: ${checked.error}`);
  process.exit(EXIT.refused);
}

if (args.dryRun) {
  log(
    `sweep: ${sweep.experiments.length} experiments; swept: ${sweep.swept.join(', ') || 'nothing'}`,
  );
  for (const e of sweep.experiments) process.stdout.write(`${e.index}\t${e.query}\n`);
  process.exit(EXIT.done);
}

/** Reads what DIR holds for every experiment and writes summary.csv, .svg and the plot's spec. */
async function summarize() {
  const readJson = (path) => {
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return 'unreadable';
    }
  };
  const outcomes = sweep.experiments.map((e) => {
    const status = readJson(files(e.index).status);
    return {
      status: typeof status === 'object' ? status : undefined,
      record: readJson(files(e.index).record),
    };
  });
  const rows = sw.summaryRows(sweep, outcomes);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'summary.csv'), sw.summaryCsv(sweep, rows));
  log(`sweep: ${sw.statusCounts(rows)}; wrote ${join(args.dir, 'summary.csv')}`);
  for (const r of rows.filter((r) => r.problem)) log(`sweep: experiment ${r.index}: ${r.problem}`);
  const extra = readdirSync(dir).filter(
    (f) => /^\d+\.json$/.test(f) && Number(f.slice(0, -5)) >= rows.length,
  );
  if (extra.length > 0)
    log(
      `sweep: ${args.dir} also holds ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', …' : ''}, beyond this sweep's ${rows.length} experiments (another sweep's?)`,
    );
  const axes = sw.plotAxes(sweep.swept, rows, args.x ?? undefined);
  const points = sw.plotPoints(rows, axes);
  if (points.length === 0) return log('sweep: no experiment finished, so no plot.');
  const spec = sw.plotSpec(points, axes);
  writeFileSync(join(dir, 'summary.vl.json'), JSON.stringify(spec, null, 2) + '\n');
  writeFileSync(join(dir, 'summary.svg'), await sw.renderSvg(spec));
  log(
    `sweep: wrote ${join(args.dir, 'summary.svg')} (test accuracy against ${axes.x}${axes.series.length ? `, one line per ${axes.series.join(', ')}` : ''})`,
  );
}

if (args.summarize) {
  try {
    await summarize();
  } catch (e) {
    log(`sweep: ${e.message}`);
    process.exit(EXIT.refused);
  }
  process.exit(EXIT.done);
}

let selected = sweep.experiments;
if (args.index !== null) {
  try {
    selected = [sw.selectIndex(sweep, args.index)];
  } catch (e) {
    log(`sweep: ${e.message}`);
    process.exit(EXIT.refused);
  }
}

// ---- Running: one site, a pool of children, progress on stderr, signals to every child. ----

/** What is running now, so a signal reaches it: the build's steps, then the experiments. */
const children = new Set();
let stopSignal = null;
let stoppedAt = 0;
let tempSite = null;
process.on('exit', () => tempSite && rmSync(tempSite, { recursive: true, force: true }));

for (const [signal, code] of [
  ['SIGINT', EXIT.sigint],
  ['SIGTERM', EXIT.sigterm],
]) {
  process.on(signal, () => {
    // npm passes a terminal's Ctrl-C on too: one within a second is the same one.
    if (stopSignal && Date.now() - stoppedAt < 1000) return;
    if (!stopSignal) log(`\nsweep: interrupted (${signal}): stopping ${children.size} running…`);
    stopSignal ??= { signal, code };
    stoppedAt = Date.now();
    for (const child of children) child.kill(signal);
  });
}

/** Runs a command to its end, stdio as given; resolves with its exit code and signal. */
function runChild(argv, stdio) {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio });
    children.add(child);
    child.on('close', (exitCode, signal) => {
      children.delete(child);
      resolveExit({ exitCode, signal });
    });
  });
}

/** The site every experiment serves: --site, or one built now (the MNIST assets first). */
async function site() {
  if (args.site) return resolve(args.site);
  if (checked.runtime === 'node') return null; // no page to serve
  log('sweep: building the app once for every experiment…');
  const prep = await runChild([join(root, 'scripts/prepare-data.mjs')], ['ignore', 2, 2]);
  if (stopSignal || prep.exitCode !== 0) return undefined;
  tempSite = mkdtempSync(join(tmpdir(), 'sparse-sweep-site-'));
  const vite = join(
    dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin/vite.js',
  );
  const built = await runChild(
    [vite, 'build', '--outDir', tempSite, '--emptyOutDir', '--logLevel', 'warn'],
    ['ignore', 2, 2],
  );
  return stopSignal || built.exitCode !== 0 ? undefined : tempSite;
}

const tty = process.stderr.isTTY;
const progress = { done: 0, total: selected.length, running: 0, failed: 0, elapsedS: 0 };
let startedAt = Date.now();
/** Progress: redrawn in place on a terminal, a plain line per finished experiment otherwise. */
function report(message) {
  progress.elapsedS = (Date.now() - startedAt) / 1000;
  if (tty) process.stderr.write('\r\x1b[K');
  if (message) log(message);
  if (tty) process.stderr.write(sw.progressLine(progress, 24));
  else if (message?.startsWith('sweep: experiment')) log(sw.progressLine(progress));
}

/** Runs one experiment: its old files go, then the child writes its record, log and status. */
async function runOne(e, sitePath) {
  const f = files(e.index);
  for (const path of Object.values(f)) rmSync(path, { force: true });
  const out = openSync(f.stdout, 'w');
  const err = openSync(f.log, 'w');
  const flags = [...args.passOn, ...(sitePath ? [`--site=${sitePath}`] : []), `--out=${f.record}`];
  const started = Date.now();
  progress.running++;
  if (!tty) log(`sweep: starting ${e.index} (${e.query})`);
  const { exitCode, signal } = await runChild(
    [EXPERIMENT_SCRIPT, ...flags, e.query],
    ['ignore', out, err],
  );
  closeSync(out);
  closeSync(err);
  const seconds = (Date.now() - started) / 1000;
  const status = {
    index: e.index,
    query: e.query,
    exitCode,
    signal,
    seconds,
    started: new Date(started).toISOString(),
  };
  writeFileSync(f.status, JSON.stringify(status, null, 2) + '\n');
  progress.running--;
  progress.done++;
  if (exitCode === 0) {
    report(`sweep: experiment ${e.index} done in ${sw.duration(seconds)}`);
    return 0;
  }
  progress.failed++;
  const last = readFileSync(f.log, 'utf8').trim().split('\n').at(-1);
  const why = last ? `: ${clip(last, 200)}` : '';
  report(
    `sweep: experiment ${e.index} (${e.query}) ended with ${exitCode ?? signal}${why} (see ${f.log})`,
  );
  return exitCode ?? 1;
}

async function main() {
  mkdirSync(dir, { recursive: true });
  const sitePath = await site();
  if (sitePath === undefined) {
    if (!stopSignal) log('sweep: the app could not be built; nothing was run.');
    process.exit(stopSignal?.code ?? EXIT.someFailed);
  }
  log(
    `sweep: ${selected.length} of ${sweep.experiments.length} experiments, ${args.jobs} at a time, into ${args.dir}`,
  );
  startedAt = Date.now();
  const ticker = tty ? setInterval(() => report(), 1000) : null;
  const queue = [...selected];
  const codes = [];
  const worker = async () => {
    while (queue.length > 0 && !stopSignal) codes.push(await runOne(queue.shift(), sitePath));
  };
  await Promise.all(Array.from({ length: Math.min(args.jobs, selected.length) }, worker));
  if (ticker) clearInterval(ticker);
  report();
  if (tty) process.stderr.write('\n');
  if (stopSignal) {
    log(
      `sweep: stopped; ${progress.done - progress.failed} finished. "npm run sweep -- ${args.file} --summarize --dir=${args.dir}" gathers them.`,
    );
    process.exit(stopSignal.code);
  }
  // One experiment of a job array: its exit code is the job's; the summary comes later.
  if (args.index !== null) process.exit(codes[0]);
  await summarize();
  process.exit(progress.failed > 0 ? EXIT.someFailed : EXIT.done);
}

main().catch((e) => {
  log(`sweep: ${e instanceof Error ? e.message : String(e)}`);
  for (const child of children) child.kill('SIGTERM');
  process.exit(EXIT.someFailed);
});
