#!/usr/bin/env node
// npm run bench [-- --quick] [-- --sections=kernels,train,peer] [-- --models=mlp,lenet5]
//   [-- --json=FILE] [-- --runtime=node]
// Serves the benchmark page on loopback, runs it in headless Chromium with WebGPU, prints a
// table of ratios (sparse vs dense, ours vs TensorFlow.js) and the whole report as JSON.
// --runtime=node runs the same bench/run.ts in Node on Dawn instead (scripts/node-runtime).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, WEBGPU_ARGS } from './chromium.mjs';
import { formatReport } from './bench-report.mjs';
import { benchInNode } from './node-runtime/bench.mjs';
import { appStamp } from './appStamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const value = (name) => flag(name)?.split('=')[1];
const query = new URLSearchParams();
if (flag('quick')) query.set('quick', '1');
if (value('sections')) query.set('sections', value('sections'));
if (value('models')) query.set('models', value('models'));
if (value('profile')) query.set('profile', args.find((a) => a.startsWith('--profile=')).slice(10));

const log = (s) => process.stderr.write(`${s}\n`);

/** The page's report from headless Chromium. */
async function benchInChromium() {
  const server = await createServer({
    root,
    logLevel: 'warn',
    // No reloads while it runs: editing the project must not restart the page mid-benchmark.
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
    optimizeDeps: { entries: ['bench/index.html'] },
  });
  let browser;
  try {
    await server.listen();
    const base = server.resolvedUrls.local[0];
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: WEBGPU_ARGS,
    });
    const page = await browser.newPage();
    page.on('console', (m) => log(`  ${m.text()}`));
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`${base}bench/index.html?${query}`);
    return await page.evaluate(() => window.bench, undefined, { timeout: 0 });
  } finally {
    await browser?.close();
    await server.close();
  }
}

/** Which run a report is: the command, when, the code, and how busy the machine was. */
function meta(loadStart) {
  const app = appStamp(root);
  return {
    command: ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '),
    date: new Date().toISOString(),
    app: `${app.version} ${app.commit.slice(0, 10)}${app.dirty ? ' (uncommitted changes)' : ''}`,
    cpus: cpus().length,
    loadStart,
    loadEnd: loadavg()[0],
  };
}

let code = 0;
try {
  const loadStart = loadavg()[0];
  const report = await (value('runtime') === 'node' ? benchInNode(query, log) : benchInChromium());
  report.meta = meta(loadStart);
  process.stdout.write(formatReport(report));
  process.stdout.write(`\n${JSON.stringify(report)}\n`);
  const file = value('json');
  if (file) writeFileSync(file, JSON.stringify(report, null, 2));
} catch (e) {
  log(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
}
process.exit(code);
