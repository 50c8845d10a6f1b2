#!/usr/bin/env node
// npm run experiment -- '<query string>'
// Builds the app, serves it on loopback, runs the experiment in headless Chromium with WebGPU
// and prints one JSON object per epoch on stdout (progress goes to stderr). Exits 0 when the
// run finishes, 2 with the UI's own messages for an invalid configuration, 1 on any error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { build, preview } from 'vite';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const raw = process.argv.slice(2).join('&').replace(/^\?/, '');
const query = new URLSearchParams(raw);
query.delete('autorun');
query.set('autorun', '1');

const log = (s) => process.stderr.write(`${s}\n`);

const prep = spawnSync(process.execPath, [join(root, 'scripts', 'prepare-data.mjs')], {
  stdio: 'inherit',
});
if (prep.status !== 0) process.exit(1);

const outDir = mkdtempSync(join(tmpdir(), 'sparse-playground-'));
let server;
let browser;
let exitCode;
try {
  log('experiment: building the app…');
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1' },
  });
  const base = server.resolvedUrls.local[0];
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: WEBGPU_ARGS,
  });
  const page = await browser.newPage();
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  let device = { backend: null, adapter: null };
  let updates = [];
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  page.on('crash', () => {
    log('experiment: the page crashed');
    finish(1);
  });
  const noConfig = setTimeout(() => {
    log('experiment: the app did not report its configuration within 60 s.');
    finish(1);
  }, 60_000);
  // Installed before the page loads, so the first event (the decoded config) is not missed.
  await page.exposeFunction('__experimentEvent', (e) => {
    switch (e.type) {
      case 'config':
        clearTimeout(noConfig);
        if (e.rejected.length > 0) {
          for (const r of e.rejected)
            log(`Parameter "${r.key}=${r.value}" was ignored: it ${r.reason}.`);
          log('experiment: invalid configuration, nothing was run.');
          finish(2);
        } else {
          log(`experiment: ${JSON.stringify(e.config)}`);
        }
        break;
      case 'ready':
        device = { backend: e.backend, adapter: e.adapter };
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
      case 'maskUpdate':
        updates.push(e.update);
        break;
      case 'epoch': {
        const m = e.metrics;
        const epochUpdates = updates.filter((u) => u.epoch === m.epoch);
        updates = [];
        process.stdout.write(
          JSON.stringify({
            epoch: m.epoch,
            testAcc: m.testAcc,
            trainLoss: m.trainLoss,
            density: m.density,
            layers: m.layers.map((l) => ({
              name: l.name,
              density: l.density,
              meanMomentum: l.meanMomentum,
              ...(l.emptyChannels === null ? {} : { emptyChannels: l.emptyChannels }),
            })),
            pruneRate: m.pruneRate,
            seconds: m.seconds,
            samplesPerSec: m.samplesPerSec,
            backend: device.backend,
            adapter: device.adapter,
            testLoss: m.testLoss,
            trainAcc: m.trainAcc,
            updates: epochUpdates,
          }) + '\n',
        );
        break;
      }
      case 'needCifar':
        log(
          'experiment: error: CIFAR-10 is not prepared. Run "npm run data:cifar10 -- <path of cifar-10-binary.tar.gz>" first.',
        );
        finish(1);
        break;
      case 'error':
        log(`experiment: error: ${e.message}`);
        finish(1);
        break;
      case 'done':
        finish(0);
        break;
    }
  });
  page.goto(`${base}?${query.toString()}`).catch((err) => {
    log(`experiment: could not open the app: ${err.message}`);
    finish(1);
  });
  exitCode = await finished;
} catch (e) {
  log(`experiment: ${e instanceof Error ? e.message : String(e)}`);
  exitCode = 1;
} finally {
  await browser?.close();
  await server?.close();
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(exitCode);
