import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';

// `npm run experiment` builds the app, serves it on loopback and runs it headless.
function experiment(query: string) {
  const r = spawnSync(process.execPath, ['scripts/experiment.mjs', query], {
    encoding: 'utf8',
    timeout: 200_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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
    expect(typeof l.adapter).toBe('string');
    expect(l.density).toBeCloseTo(0.2, 4);
    expect(l.layers.map((x: { name: string }) => x.name)).toEqual(['fc1', 'fc2']);
    expect(l.testAcc).toBeGreaterThan(0.5);
    expect(l.samplesPerSec).toBeGreaterThan(0);
  }
  expect(lines[0].pruneRate).toBeCloseTo(0.005 + (0.495 * (1 + Math.cos(Math.PI / 2))) / 2, 6);
  expect(lines[1].pruneRate).toBeNull();
  // The end-of-epoch-1 mask update, with its per-layer report; none after the last epoch.
  expect(lines[0].updates).toHaveLength(1);
  expect(lines[0].updates[0].layers.map((l: { name: string }) => l.name)).toEqual(['fc1', 'fc2']);
  expect(lines[1].updates).toEqual([]);
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
