import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../scripts/experiment/args.mjs';

// `npm run sweep` runs real experiments, so a run takes the better part of a minute here.
test.describe.configure({ timeout: 420_000 });

/** A fresh folder with the sweep file, the output folder and its own TMPDIR. */
function workspace(lines: string[]) {
  const base = mkdtempSync(join(tmpdir(), 'sweep-spec-'));
  const file = join(base, 'grid.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  const tmp = join(base, 'tmp');
  mkdirSync(tmp);
  return {
    base,
    file,
    dir: join(base, 'out'),
    tmp,
    env: { ...process.env, TMPDIR: tmp },
  };
}

/** Splits CSV text into rows of fields (quoted fields may hold commas and quotes). */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = text
    .trim()
    .split('\n')
    .map((line) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
        .slice(0, -1)
        .map(([, f]) => (f.startsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f)),
    );
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** Processes still running whose command line names `dir`. */
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

test('a sweep runs its experiments two at a time into records, a CSV and a plot that agree', () => {
  const w = workspace([
    '# two methods, and one experiment too big for the device (refused, exit 2)',
    'method=snfs,set&train=500&epochs=1&hidden=32',
    'hidden=4096-4096-4096-4096-4096&density=1&train=1000',
  ]);
  try {
    const r = spawnSync(
      process.execPath,
      ['scripts/sweep.mjs', w.file, '--jobs=2', `--dir=${w.dir}`, '--timeout=300'],
      { encoding: 'utf8', env: w.env, timeout: 400_000 },
    );
    // One experiment failed, so the sweep says so, after running the others.
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('building the app once');
    expect(r.stderr).toMatch(/experiment 2 \(hidden=4096,4096.*\) ended with 2: .*refused/);
    expect(r.stderr).toContain('sweep: 3/3 done, 0 running, 1 failed');
    const files = readdirSync(w.dir).sort();
    for (const f of ['000.json', '000.log', '001.json', '002.log', '002.status.json'])
      expect(files).toContain(f);
    expect(files).toContain('summary.csv');
    expect(files).toContain('summary.svg');
    expect(files).not.toContain('002.json');

    const rows = parseCsv(readFileSync(join(w.dir, 'summary.csv'), 'utf8'));
    expect(rows.map((row) => [row.index, row.method, row.hidden, row.exit, row.status])).toEqual([
      ['0', 'snfs', '32', '0', 'done'],
      ['1', 'set', '32', '0', 'done'],
      ['2', 'snfs', '4096-4096-4096-4096-4096', '2', 'refused'],
    ]);
    for (const i of [0, 1]) {
      const record = JSON.parse(readFileSync(join(w.dir, `00${i}.json`), 'utf8'));
      const epochs = readFileSync(join(w.dir, `00${i}.jsonl`), 'utf8')
        .trim()
        .split('\n');
      expect(epochs).toHaveLength(1);
      expect(Number(rows[i].final_testAcc)).toBe(record.summary.testAcc);
      expect(Number(rows[i].final_testAcc)).toBe(JSON.parse(epochs[0]).testAcc);
      expect(Number(rows[i].final_density)).toBeCloseTo(0.05, 3);
      expect(Number(rows[i].seconds)).toBeGreaterThan(0);
      expect(rows[i].query).toBe(`method=${rows[i].method}&train=500&epochs=1&hidden=32`);
    }
    const svg = readFileSync(join(w.dir, 'summary.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const word of ['snfs', 'set', 'test accuracy']) expect(svg).toContain(word);
    // The shared site is gone, and so is every temporary file of the runs.
    expect(readdirSync(w.tmp)).toEqual([]);

    // --summarize gathers the same folder again without running anything.
    const csvBefore = readFileSync(join(w.dir, 'summary.csv'), 'utf8');
    rmSync(join(w.dir, 'summary.csv'));
    const s = spawnSync(
      process.execPath,
      ['scripts/sweep.mjs', w.file, '--summarize', `--dir=${w.dir}`],
      {
        encoding: 'utf8',
        env: w.env,
      },
    );
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).toContain('2 done, 1 refused');
    expect(s.stderr).not.toContain('building');
    expect(readFileSync(join(w.dir, 'summary.csv'), 'utf8')).toBe(csvBefore);
  } finally {
    rmSync(w.base, { recursive: true, force: true });
  }
});

test('Ctrl-C stops every experiment of a sweep, starts no more and removes the shared site', async () => {
  const w = workspace(['seed=1,2,3&train=20000&epochs=20']);
  const child = spawn(
    process.execPath,
    ['scripts/sweep.mjs', w.file, '--jobs=2', `--dir=${w.dir}`],
    {
      env: w.env,
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    // Both experiments are training (each has said how many steps an epoch has).
    await expect
      .poll(
        () => {
          if (child.exitCode !== null) return `exited ${child.exitCode}: ${stderr}`;
          const training = [0, 1].every((i) => {
            const log = join(w.dir, `00${i}.log`);
            return existsSync(log) && readFileSync(log, 'utf8').includes('steps per epoch');
          });
          return training ? 'training' : 'starting';
        },
        { timeout: 300_000, intervals: [1000] },
      )
      .toBe('training');
    const site = readdirSync(w.tmp).find((f) => f.startsWith('sparse-sweep-site-'));
    expect(site).toBeDefined();
    expect(processesUsing(join(w.tmp, site as string)).length).toBeGreaterThanOrEqual(2);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('interrupted (SIGINT)');
    expect(processesUsing(w.tmp)).toEqual([]);
    expect(readdirSync(w.tmp)).toEqual([]);
    for (const i of [0, 1]) {
      const status = JSON.parse(readFileSync(join(w.dir, `00${i}.status.json`), 'utf8'));
      expect(status.exitCode).toBe(130);
    }
    expect(existsSync(join(w.dir, '002.log'))).toBe(false);
  } finally {
    child.kill('SIGKILL');
    rmSync(w.base, { recursive: true, force: true });
  }
});

test('--dry-run lists the experiments; a bad line or index is refused before anything runs', () => {
  const w = workspace(['method=snfs,set&hidden=300-100,16-10', 'density=0.05,3']);
  const sweep = (...flags: string[]) =>
    spawnSync(process.execPath, ['scripts/sweep.mjs', w.file, ...flags], {
      encoding: 'utf8',
      env: w.env,
    });
  try {
    const bad = sweep('--dry-run');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('line 2: density=3 is refused: it must be > 0 and <= 1');
    writeFileSync(w.file, 'method=snfs,set&hidden=300-100,16-10\n');
    const dry = sweep('--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout.trim().split('\n')).toEqual([
      '0\tmethod=snfs&hidden=300,100',
      '1\tmethod=snfs&hidden=16,10',
      '2\tmethod=set&hidden=300,100',
      '3\tmethod=set&hidden=16,10',
    ]);
    const out = sweep('--index=4');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(
      '--index=4 is out of range: the sweep has 4 experiments, numbered 0 to 3',
    );
    expect(existsSync(w.dir)).toBe(false);
  } finally {
    rmSync(w.base, { recursive: true, force: true });
  }
});

test('npm run experiment serves a built site with --site=DIR, and refuses an empty one', () => {
  expect(parseArgs(['--site=dist', 'seed=2'])).toMatchObject({ site: 'dist', query: 'seed=2' });
  expect(parseArgs(['--site='])).toEqual({ error: '--site needs a path: --site=DIR' });
  const r = spawnSync(
    process.execPath,
    ['scripts/experiment.mjs', '--site=/nonexistent', 'train=500'],
    {
      encoding: 'utf8',
    },
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('--site=/nonexistent holds no index.html');
  expect(r.stderr).not.toContain('building the app');
});
