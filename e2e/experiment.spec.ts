import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorExit, EXIT, parseArgs } from '../scripts/experiment/args.mjs';
import {
  descendants,
  parseParent,
  parsePssKb,
  treeMemoryMB,
} from '../scripts/experiment/memory.mjs';
import { refusalLines } from '../scripts/experiment/report.mjs';

/** A temporary folder of its own for one run (as TMPDIR), to see what the runner leaves there. */
function freshTmp(): string {
  return mkdtempSync(join(tmpdir(), 'experiment-spec-'));
}

/** Processes still running whose command line names `dir` (Chromium's profile lives there). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(dir)) found.push(`${pid}: ${cmd.slice(0, 120)}`);
    } catch {
      // the process ended while being listed
    }
  }
  return found;
}

// `npm run experiment` builds the app, serves it on loopback and runs it headless.
function experiment(query: string, ...flags: string[]) {
  const tmp = freshTmp();
  const r = spawnSync(process.execPath, ['scripts/experiment.mjs', ...flags, query], {
    encoding: 'utf8',
    timeout: 200_000,
    env: { ...process.env, TMPDIR: tmp },
  });
  const left = readdirSync(tmp);
  rmSync(tmp, { recursive: true, force: true });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, left };
}

/** Starts the runner without waiting, to signal it while it works. */
function startExperiment(query: string) {
  const tmp = freshTmp();
  const child = spawn(process.execPath, ['scripts/experiment.mjs', query], {
    env: { ...process.env, TMPDIR: tmp },
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return {
    tmp,
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stderr matches `re` (or the runner has exited). */
    waitFor: (re: RegExp) =>
      Promise.race([
        exited,
        new Promise<void>((resolve) => {
          const check = () => re.test(stderr) && resolve();
          child.stderr.on('data', check);
          check();
        }),
      ]),
  };
}

test('npm run experiment refuses an invalid configuration with the UI messages', () => {
  const r = experiment('density=0&batch=abc');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('Parameter "density=0" was ignored: it must be > 0 and <= 1.');
  expect(r.stderr).toContain('Parameter "batch=abc" was ignored: it is not a number.');
  expect(r.stdout).toBe('');
});

test('npm run experiment prints one JSON line per epoch', () => {
  const r = experiment('train=2000&epochs=2&density=0.2&hidden=100&seed=3');
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(2);
  expect(lines.map((l) => l.epoch)).toEqual([1, 2]);
  for (const l of lines) {
    expect(l.backend).toBe('webgpu');
    expect(Object.keys(l.adapter)).toEqual(['vendor', 'architecture', 'description']);
    expect(l.density).toBeCloseTo(0.2, 4);
    expect(l.layers.map((x: { name: string }) => x.name)).toEqual(['fc1', 'fc2']);
    expect(l.testAcc).toBeGreaterThan(0.5);
    expect(l.samplesPerSec).toBeGreaterThan(0);
  }
  expect(lines[0].pruneRate).toBeCloseTo(0.005 + (0.495 * (1 + Math.cos(Math.PI / 2))) / 2, 6);
  expect(lines[1].pruneRate).toBeNull();
  // The end-of-epoch-1 mask update, with its per-layer report; none after the last epoch.
  expect(lines[0].maskUpdates).toHaveLength(1);
  expect(lines[0].maskUpdates[0].layers.map((l: { name: string }) => l.name)).toEqual([
    'fc1',
    'fc2',
  ]);
  expect(lines[1].maskUpdates).toEqual([]);
  // An MLP has no conv layer: no empty-channel figure.
  expect(r.stdout).not.toContain('emptyChannels');
});

test('the same link on the same backend gives the same curves', () => {
  const query = 'train=1000&epochs=2&density=0.1&hidden=64&seed=21';
  const strip = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((l) => {
        const { seconds: _s, samplesPerSec: _p, ...rest } = JSON.parse(l);
        return rest;
      });
  const a = experiment(query);
  const b = experiment(query);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  expect(strip(a.stdout)).toHaveLength(2);
  expect(strip(b.stdout)).toEqual(strip(a.stdout));
  const other = experiment(query.replace('seed=21', 'seed=22'));
  expect(strip(other.stdout)).not.toEqual(strip(a.stdout));
});

test('a 20 kB invalid query is refused (exit 2) before anything is built, in a few clipped lines', () => {
  const unknown = Array.from({ length: 1000 }, (_, i) => `p${i}=1`).join('&');
  const query = `batch=${'x'.repeat(14_000)}&${unknown}`;
  expect(query.length).toBeGreaterThan(20_000);
  const r = experiment(query);
  expect(r.code, r.stderr.slice(0, 2000)).toBe(2);
  expect(r.stderr.length).toBeLessThan(2000);
  expect(r.stderr).toContain('Parameter "batch=xxxxxxxxxx');
  expect(r.stderr).toContain('Parameter "p0=1" was ignored: it is not a known parameter.');
  expect(r.stderr).toMatch(/and \d+ more/);
  expect(r.stderr).not.toContain('building the app');
  expect(r.stdout).toBe('');
  expect(r.left).toEqual([]);
});

// The first is over the GPU budget (1.17 GiB; with five layers it fits since fused steps no
// longer keep the pre-activations); the second fits the GPU, but the worker's checkpoints and
// epoch-end readbacks put it over the worker's budget.
test('an experiment too big for the GPU or the worker is refused with exit code 2', () => {
  for (const [query, memory] of [
    ['hidden=4096,4096,4096,4096,4096,4096&density=1&train=1000', 'GPU memory'],
    ['hidden=4096,4096,4096,4096,4096&train=1000', 'arrays on the CPU'],
  ]) {
    const r = experiment(query);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('experiment: refused: This experiment does not fit');
    const [, need, budget] =
      new RegExp(
        `needs (\\d+\\.\\d\\d GiB) of ${memory}, more than the app's (\\d+\\.\\d\\d GiB) budget`,
      ).exec(r.stderr) ?? [];
    expect(need, r.stderr).toBeDefined();
    expect(parseFloat(need)).toBeGreaterThan(parseFloat(budget));
    expect(r.stderr).toContain('hidden=');
    expect(r.stdout).toBe('');
    expect(r.left).toEqual([]);
  }
});

test('a diverged run is a result: the epochs so far, the message, exit code 3', () => {
  const r = experiment('lr=50&train=3000&epochs=3&hidden=100');
  expect(r.code, r.stderr).toBe(3);
  expect(r.stderr).toContain('Training diverged');
  expect(r.left).toEqual([]);
});

test('Ctrl-C during a run exits 130, closes the browser and leaves no temporary folder', async () => {
  const run = startExperiment('train=60000&epochs=20&hidden=300,100');
  try {
    await run.waitFor(/steps per epoch/);
    expect(processesUsing(run.tmp)).not.toEqual([]);
    run.child.kill('SIGINT');
    const code = await run.exited;
    expect(readdirSync(run.tmp)).toEqual([]);
    expect(processesUsing(run.tmp)).toEqual([]);
    expect(code, run.output().stderr).toBe(130);
    expect(run.output().stderr).toContain('interrupted');
  } finally {
    run.child.kill('SIGKILL');
    rmSync(run.tmp, { recursive: true, force: true });
  }
});

test('SIGTERM while the app is being built exits 143 and leaves no temporary folder', async () => {
  const run = startExperiment('train=2000&epochs=1');
  try {
    await run.waitFor(/building the app/);
    run.child.kill('SIGTERM');
    const code = await run.exited;
    expect(readdirSync(run.tmp)).toEqual([]);
    expect(code, run.output().stderr).toBe(143);
  } finally {
    run.child.kill('SIGKILL');
    rmSync(run.tmp, { recursive: true, force: true });
  }
});

test('--timeout stops a long run with a message and exit code 1', () => {
  const r = experiment('train=60000&epochs=50', '--timeout=5');
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain('time limit of 5 s');
  expect(r.left).toEqual([]);
});

test('--max-memory stops a run whose browser outgrows it, with exit code 1', () => {
  const r = experiment('train=60000&epochs=50', '--max-memory=64');
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/the browser uses \d+ MB, more than --max-memory=64 MB/);
  expect(r.left).toEqual([]);
});

test('--help says how to call it, with the flags and exit codes', () => {
  const r = experiment('', '--help');
  expect(r.code).toBe(0);
  for (const word of ['--timeout', '--max-memory', 'npm run -s experiment', '130'])
    expect(r.stdout).toContain(word);
});

test('the runner reads its flags anywhere and the query from every other argument', () => {
  expect(parseArgs(['?density=0.1', '--timeout=30', 'seed=2'])).toEqual({
    help: false,
    query: 'density=0.1&seed=2',
    timeoutS: 30,
    maxMemoryMB: 4096,
    runtime: 'chromium',
  });
  expect(parseArgs(['--runtime=node', 'a=1'])).toMatchObject({ runtime: 'node', query: 'a=1' });
  expect(parseArgs(['--runtime=firefox'])).toEqual({
    error: '--runtime is chromium or node, not "firefox"',
  });
  expect(parseArgs(['--out=a.json', '--export=out/dir', 'seed=2'])).toMatchObject({
    out: 'a.json',
    exportDir: 'out/dir',
    query: 'seed=2',
  });
  expect(parseArgs(['--expect=run.json'])).toMatchObject({ expect: 'run.json', query: '' });
  expect(parseArgs(['--expect=run.json', 'seed=2'])).toEqual({
    error: "--expect runs the record's own configuration: give it no query",
  });
  expect(parseArgs(['--out'])).toEqual({ error: '--out needs a path: --out=FILE' });
  expect(parseArgs(['--constructor=1'])).toMatchObject({
    error: expect.stringContaining('unknown'),
  });
  expect(parseArgs(['--max-memory=0', 'a=1'])).toMatchObject({ maxMemoryMB: 0, timeoutS: 21600 });
  expect(parseArgs(['--timeout=-1'])).toEqual({ error: '--timeout needs a number >= 0, not "-1"' });
  const long = parseArgs([`--${'x'.repeat(5000)}`]);
  expect('error' in long && long.error.length).toBeLessThan(200);
  expect(EXIT).toMatchObject({ done: 0, failed: 1, refused: 2, diverged: 3, different: 4 });
  // The worker's error says why; no reason (a crash the page reports) is a failure.
  expect(errorExit('too-big')[0]).toBe(2);
  expect(errorExit('diverged')[0]).toBe(3);
  expect(errorExit('failed')[0]).toBe(1);
  expect(errorExit(undefined)[0]).toBe(1);
});

test('a refusal lists the first parameters and counts the rest', () => {
  const rejected = Array.from({ length: 12 }, (_, i) => `p${i}`);
  const lines = refusalLines(rejected, (r) => `no ${r}`, 3);
  expect(lines).toEqual(['no p0', 'no p1', 'no p2', '… and 9 more refused parameters.']);
  expect(refusalLines(['a'], (r) => r)).toEqual(['a']);
});

test('the memory watchdog reads the process tree from /proc', async () => {
  expect(parseParent('42 (a (b) c) S 7 42 42 0')).toBe(7);
  expect(parsePssKb('Rss:  10 kB\nPss:   1234 kB\n')).toBe(1234);
  const parents = new Map([
    [2, 1],
    [3, 2],
    [4, 3],
    [5, 9],
  ]);
  expect(descendants(1, parents).sort()).toEqual([2, 3, 4]);
  // A child holding 200 MB shows up in this process's tree.
  const before = treeMemoryMB(process.pid);
  const child = spawn(process.execPath, [
    '-e',
    'const b = Buffer.alloc(200e6, 1); console.log(b[0]); setInterval(() => {}, 1000);',
  ]);
  await new Promise((resolve) => child.stdout.once('data', resolve));
  try {
    expect(treeMemoryMB(process.pid) - before).toBeGreaterThan(150);
  } finally {
    child.kill();
  }
});
