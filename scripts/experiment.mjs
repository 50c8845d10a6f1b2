#!/usr/bin/env node
// npm run -s experiment -- [--runtime=node] [--timeout=SECONDS] [--max-memory=MB] [--out=FILE]
//   [--export=DIR] [--site=DIR] '<query string>' | --expect=run.json
// Builds the app, serves it on loopback, runs the experiment in headless Chromium with WebGPU
// and prints one JSON object per epoch on stdout (progress goes to stderr); at the end it
// writes the run record (src/record) where --out/--export say, or compares it with the
// --expect record and prints the differences and a verdict. --runtime=node runs the same
// engine in a Node process on Dawn instead (scripts/node-runtime), same events. The query is
// decoded here by the app's own decoder first, so an invalid one is refused before anything is
// built; the page then gets it through the history API, never through an HTTP request line.
// Exit codes (scripts/experiment/args.mjs): 0 done, 2 refused, 3 diverged, 4 different
// (--expect), 1 failed, 130/143 on SIGINT/SIGTERM. Every way out goes through stop(), which
// closes the browser and the server and removes the temporary build folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { build, preview, runnerImport } from 'vite';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.mjs';
import { clip, errorExit, EXIT, parseArgs, USAGE } from './experiment/args.mjs';
import { writeModel, writeNodeModel } from './experiment/exportModel.mjs';
import { canWatch, watchMemory } from './experiment/memory.mjs';
import { refusalLines } from './experiment/report.mjs';
import { expectLines, readExpected, readsOtherwise } from './experiment/record.mjs';
import { appStamp } from './appStamp.mjs';
import { ENGINES, startEngine } from './node-runtime/engine.mjs';
import { nodeEnvironment } from './node-runtime/dawn.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s) => process.stderr.write(`${s}\n`);

const args = parseArgs(process.argv.slice(2));
if ('error' in args) {
  log(`experiment: ${args.error}`);
  process.exit(EXIT.refused);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(EXIT.done);
}

// The app's own decoder, so the terminal refuses exactly what the page would, and the app's own
// run-record builder, so the runner's records are the page's.
const [{ module: params }, { module: rec }] = await Promise.all(
  ['src/url/params.ts', 'src/record/index.ts'].map((file) =>
    runnerImport(join(root, file), { configFile: false, logLevel: 'error' }),
  ),
);
/** --expect: the record to reproduce (its whole configuration is what runs). */
let expected = null;
if (args.expect) {
  const read = readExpected(args.expect);
  if ('error' in read) {
    log(`experiment: --expect: ${read.error}`);
    process.exit(EXIT.refused);
  }
  expected = read.record;
  if (readsOtherwise(expected, params.decode))
    log(
      "experiment: note: this app reads the record's query otherwise (its defaults changed?); running the record's full configuration.",
    );
}
const source = expected
  ? params.encode({ ...params.defaultConfig(), ...expected.config }, { full: true })
  : args.query;
const query = new URLSearchParams(source);
query.delete('autorun');
query.set('autorun', '1');
const decoded = params.decode(query.toString());
if (decoded.rejected.length > 0) {
  for (const line of refusalLines(decoded.rejected, params.rejectionMessage)) log(line);
  log('experiment: invalid configuration, nothing was run.');
  process.exit(EXIT.refused);
}
/** The same configuration, written the short canonical way: what the page is handed. */
const canonical = params.encode(decoded.config);

/** What stop() must close; filled in as the run gets there. */
const held = { prep: null, outDir: null, server: null, browser: null, node: null, unwatch: null };
let stopping = null;
/** When stop() began (a repeated signal within a second is the same Ctrl-C). */
let stoppedAt = 0;

/** Resolves after `ms` even when `promise` never settles (a browser that hangs on close). */
const within = (promise, ms) =>
  Promise.race([Promise.resolve(promise).catch(() => {}), new Promise((r) => setTimeout(r, ms))]);

/**
 * The single way out: logs `message`, closes what is open, removes the build folder and exits
 * with `code`. Later calls (a second cause while closing) change nothing; a second signal a
 * second or more after the first exits at once (Playwright's exit hook still kills the browser
 * and removes its profile). npm passes a terminal's Ctrl-C on too, so one Ctrl-C can arrive twice.
 */
function stop(code, message) {
  if (stopping) return stopping;
  if (message) log(message);
  stoppedAt = Date.now();
  stopping = (async () => {
    held.unwatch?.();
    held.prep?.kill('SIGTERM');
    removeOutDir(); // the page has what it loaded; nothing needs the build any more
    await within(held.browser?.close(), 10_000);
    await within(held.node?.close(), 10_000);
    await within(held.server?.close(), 5_000);
    removeOutDir();
    process.exit(code);
  })();
  return stopping;
}

function removeOutDir() {
  // Retries: a build stopped half-way may still be writing into it.
  if (!held.outDir) return;
  try {
    rmSync(held.outDir, { recursive: true, force: true, maxRetries: 5 });
  } catch (e) {
    log(`experiment: could not remove ${held.outDir}: ${e.message}`);
  }
}
// Whoever calls process.exit (Vite's preview server does on SIGTERM), the folder goes.
process.on('exit', removeOutDir);

/** Our signal handlers, so the ones Vite's preview server adds can be told apart and removed. */
const onSignal = {};
for (const [signal, code] of [
  ['SIGINT', EXIT.sigint],
  ['SIGTERM', EXIT.sigterm],
]) {
  onSignal[signal] = () => {
    if (stopping) {
      if (Date.now() - stoppedAt < 1000) return;
      removeOutDir();
      process.exit(code);
    }
    stop(
      code,
      `experiment: interrupted (${signal}), closing the browser and removing temporary files…`,
    );
  };
  process.on(signal, onSignal[signal]);
}

/**
 * Vite's preview server closes itself and exits on SIGTERM (and when stdin ends), which would
 * skip closing the browser and give another exit code; stop() does all of that here.
 */
function dropViteExitHooks() {
  for (const l of process.listeners('SIGTERM'))
    if (l !== onSignal.SIGTERM) process.off('SIGTERM', l);
  process.stdin.removeAllListeners('end');
}

if (args.timeoutS > 0) {
  // setTimeout holds at most 2^31-1 ms (24.8 days); a longer limit is as good as none.
  const ms = Math.min(args.timeoutS * 1000, 2 ** 31 - 1);
  setTimeout(
    () =>
      stop(
        EXIT.failed,
        `experiment: stopped: the run reached its time limit of ${args.timeoutS} s (--timeout=${args.timeoutS}).`,
      ),
    ms,
  );
}

/** Prepares the MNIST assets (a child process, so a signal still reaches stop()). */
function prepareData() {
  return new Promise((resolve) => {
    // Its stdout goes to our stderr: stdout carries only the JSON lines.
    held.prep = spawn(process.execPath, [join(root, 'scripts', 'prepare-data.mjs')], {
      stdio: ['ignore', 2, 2],
    });
    held.prep.on('close', (status, signal) => {
      held.prep = null;
      // Killed by the terminal's Ctrl-C, like this process: let our own handler run first.
      setTimeout(() => resolve(status), signal ? 200 : 0);
    });
  });
}

/**
 * On `done`: the trained network as DIR/model.onnx (--export; from the page or the Node
 * engine, the same code as the page's download button), then the record files and --expect's
 * verdict. Returns the exit code.
 */
async function finish(state) {
  if (args.exportDir) {
    try {
      const { file, bytes } = state.page
        ? await writeModel(state.page, args.exportDir)
        : await writeNodeModel(
            held.node,
            new Promise((resolve) => (state.modelBytes = resolve)),
            { link: canonical ? `${state.base}?${canonical}` : state.base, stamp: appStamp(root) },
            args.exportDir,
          );
      log(`experiment: wrote ${file} (${bytes} bytes)`);
    } catch (err) {
      log(`experiment: error: the model was not exported: ${clip(err.message, 600)}`);
      return EXIT.failed;
    }
  }
  return writeExports(state);
}

/**
 * What the run leaves at its end: the record where --out and --export say (run.json and
 * metrics.csv; more files of the run go here too), then --expect's differences and verdict.
 * Returns the exit code.
 */
async function writeExports(state) {
  const record = rec.buildRecord(state.log, {
    config: decoded.config,
    base: state.base,
    app: appStamp(root),
    environment: state.environment,
  });
  const json = `${JSON.stringify(record, null, 2)}\n`;
  try {
    if (args.out) writeFileSync(args.out, json);
    if (args.exportDir) {
      mkdirSync(args.exportDir, { recursive: true });
      writeFileSync(join(args.exportDir, 'run.json'), json);
      writeFileSync(join(args.exportDir, 'metrics.csv'), rec.recordCsv(record));
    }
  } catch (err) {
    log(`experiment: error: the run record could not be written: ${clip(err.message, 600)}`);
    return EXIT.failed;
  }
  if (args.out) log(`experiment: run record written to ${args.out}`);
  if (args.exportDir) log(`experiment: run.json and metrics.csv written to ${args.exportDir}`);
  if (!expected) return EXIT.done;
  const comparison = rec.compareRecords(expected, record);
  for (const line of expectLines(comparison)) process.stdout.write(`${line}\n`);
  log(`experiment: ${comparison.verdict}: ${comparison.reason}`);
  return comparison.verdict === 'different' ? EXIT.different : EXIT.done;
}

/** Turns the page's events into stderr progress and stdout JSON lines; ends the run via stop(). */
function onPageEvent(e, state) {
  rec.collect(state.log, e);
  switch (e.type) {
    case 'config':
      clearTimeout(state.noConfig);
      if (e.rejected.length > 0) {
        for (const line of refusalLines(e.rejected, params.rejectionMessage)) log(line);
        stop(EXIT.refused, 'experiment: invalid configuration, nothing was run.');
      } else if (JSON.stringify(e.config) !== JSON.stringify(decoded.config)) {
        stop(
          EXIT.failed,
          'experiment: error: the page decoded another configuration than this runner.',
        );
      } else {
        log(`experiment: ${JSON.stringify(e.config)}`);
      }
      break;
    case 'ready':
      if (e.notice) log(`experiment: ${e.notice}`);
      log(
        `experiment: ${e.backend} (${e.adapter}), ${e.trainCount} train / ${e.testCount} test images, ${e.stepsPerEpoch} steps per epoch`,
      );
      break;
    case 'progress':
      log(
        `  epoch ${e.epoch} step ${e.step}/${e.stepsPerEpoch} loss ${e.trainLoss.toFixed(4)} ${Math.round(e.samplesPerSec)} samples/s`,
      );
      break;
    case 'epoch': {
      // With --expect, stdout holds the differences instead (at the end).
      if (expected) break;
      const line = {
        ...rec.recordEpoch(e.metrics),
        backend: state.log.backend,
        adapter: state.log.adapterInfo,
        maskUpdates: state.log.maskUpdates
          .filter((u) => u.epoch === e.metrics.epoch)
          .map(rec.recordMaskUpdate),
      };
      process.stdout.write(JSON.stringify(line) + '\n');
      break;
    }
    case 'needCifar':
      stop(
        EXIT.failed,
        'experiment: error: CIFAR-10 is not prepared. Run "npm run data:cifar10 -- <path of cifar-10-binary.tar.gz>" first.',
      );
      break;
    case 'error': {
      const [code, prefix] = errorExit(e.reason);
      stop(code, `experiment: ${prefix}${clip(e.message, 600)}`);
      break;
    }
    case 'done':
      finish(state).then((code) => stop(code));
      break;
  }
}

/** Stops the run when `what` (the processes below this one) passes --max-memory. */
function watchMemoryOf(what) {
  if (args.maxMemoryMB > 0 && canWatch()) {
    held.unwatch = watchMemory({
      root: process.pid,
      limitMB: args.maxMemoryMB,
      onExceed: (mb) =>
        stop(
          EXIT.failed,
          `experiment: stopped: ${what} uses ${Math.round(mb)} MB, more than --max-memory=${args.maxMemoryMB} MB.`,
        ),
    });
  } else if (args.maxMemoryMB > 0) {
    log('experiment: no /proc on this system, so --max-memory is not enforced.');
  }
}

/**
 * What onPageEvent keeps between events (the record's log; `base`: the playground address the
 * record's link is made from); the app must report its configuration within 60 s.
 */
function runState(base, environment) {
  const state = { log: rec.emptyLog(), base, environment, noConfig: null };
  state.noConfig = setTimeout(
    () => stop(EXIT.failed, 'experiment: the app did not report its configuration within 60 s.'),
    60_000,
  );
  return state;
}

/** Where `npm run dev` serves the playground (README "Quick start"). */
const DEV_BASE = 'http://127.0.0.1:5173/';

/** Builds the app into a temporary folder (removed by stop()); returns it, or null if stopped. */
async function buildSite() {
  held.outDir = mkdtempSync(join(tmpdir(), 'sparse-playground-'));
  log('experiment: building the app…');
  await build({ root, logLevel: 'warn', build: { outDir: held.outDir, emptyOutDir: true } });
  return stopping ? null : held.outDir;
}

async function run() {
  const prepared = await prepareData();
  if (stopping) return;
  if (prepared !== 0)
    return stop(EXIT.failed, 'experiment: error: the MNIST assets could not be prepared.');
  if (args.runtime === 'node') {
    // The same engine and events in a Node process on Dawn: no build, no server, no browser.
    watchMemoryOf('the Node runtime');
    // No page serves this run: its link points at the dev server `npm run dev` starts.
    const state = runState(DEV_BASE, nodeEnvironment());
    held.node = startEngine({
      script: ENGINES.experiment,
      message: { query: canonical },
      log: (s) => log(`experiment: ${s}`),
      // The answer to --export's request goes to finish(), not into the run's log.
      onEvent: (e) => (e.type === 'modelBytes' ? state.modelBytes?.(e) : onPageEvent(e, state)),
      onExit: (why) => stop(EXIT.failed, `experiment: error: the Node runtime ${why}.`),
    });
    return;
  }
  // --site: a site built already (a sweep builds once for all its runs); it is not removed.
  if (args.site && !existsSync(join(args.site, 'index.html')))
    return stop(
      EXIT.failed,
      `experiment: error: --site=${clip(args.site, 200)} holds no index.html.`,
    );
  const site = args.site ? resolve(args.site) : await buildSite();
  if (!site) return;
  held.server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir: site },
    preview: { port: 0, host: '127.0.0.1' },
  });
  dropViteExitHooks();
  if (stopping) return;
  const base = held.server.resolvedUrls.local[0];
  // Signals are this script's to handle: it closes the browser itself, then cleans up.
  held.browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: WEBGPU_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  if (stopping) return;
  watchMemoryOf('the browser');
  const page = await held.browser.newPage();
  page.on('pageerror', (e) => log(`page error: ${clip(e.message, 600)}`));
  page.on('crash', () => stop(EXIT.failed, 'experiment: the page crashed'));
  const state = runState(base, 'unknown browser');
  state.page = page;
  // Installed before the page loads, so the first event (the decoded config) is not missed.
  await page.exposeFunction('__experimentEvent', (e) => onPageEvent(e, state));
  // The query goes in through the history API before the app reads location.search, so its
  // length never meets the server's request-line limit (which answers 431 past ~16 kB).
  await page.addInitScript((search) => {
    if (window === window.top) history.replaceState(null, '', `${location.pathname}?${search}`);
  }, canonical);
  await page.goto(base);
  state.environment = await page.evaluate(() => navigator.userAgent);
}

run().catch((err) =>
  stop(EXIT.failed, `experiment: ${clip(err instanceof Error ? err.message : String(err), 600)}`),
);
