import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordProblems } from '../scripts/experiment/record.mjs';

// The run record (src/record, docs/run-record.schema.json) from the page's JSON export and from
// `npm run experiment -- --export=DIR` for the same link, and `--expect` rerunning it.
const QUERY = 'density=0.1&epochs=2&train=1000&seed=17';

type Json = Record<string, unknown>;
interface Rec extends Json {
  epochs: Json[];
  runningLoss: Json[];
  runtime: Json;
}

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'record-spec-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function experiment(...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/experiment.mjs', ...args], {
    encoding: 'utf8',
    timeout: 200_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function pageRecord(page: Page): Promise<Rec> {
  await page.goto(`/?${QUERY}&autorun=1`);
  await expect(page.getByTestId('status')).toHaveText('done');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-json').click(),
  ]);
  return JSON.parse((await (await download.createReadStream()).toArray()).join(''));
}

/** What two runs of one link on one device must share: all but the timings and the address. */
function figures(r: Rec): Json {
  const noTiming = ({ seconds: _s, samplesPerSec: _p, ...rest }: Json) => rest;
  const { link: _l, runtime, ...rest } = r;
  return {
    ...rest,
    runtime: { ...runtime, environment: undefined },
    epochs: r.epochs.map(noTiming),
    runningLoss: r.runningLoss.map(noTiming),
  };
}

test("the page's JSON export and the runner's run.json are the same record", async ({ page }) => {
  const cliDir = join(dir, 'cli');
  const r = experiment(`--export=${cliDir}`, `--out=${join(dir, 'out.json')}`, QUERY);
  expect(r.code, r.stderr).toBe(0);
  const cli: Rec = JSON.parse(readFileSync(join(cliDir, 'run.json'), 'utf8'));
  expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(
    readFileSync(join(cliDir, 'run.json'), 'utf8'),
  );
  // stdout: one JSON line per epoch, the record's epoch objects.
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map(({ backend: _b, adapter: _a, maskUpdates: _m, ...e }) => e)).toEqual(cli.epochs);

  const shown = await pageRecord(page);
  writeFileSync(join(dir, 'page.json'), JSON.stringify(shown));
  expect(recordProblems(shown)).toEqual([]);
  expect(recordProblems(cli)).toEqual([]);
  expect(shown.query).toBe('v=2&density=0.1&epochs=2&train=1000');
  expect((shown.app as Json).commit).toMatch(/^[0-9a-f]{40}$/);
  expect(cli.runtime.backend).toBe('webgpu');
  expect(shown.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  // Same fields, same metrics, bit for bit (WebGPU on the same adapter is deterministic).
  expect(figures(shown)).toEqual(figures(cli));

  // The CSV: one row per epoch, columns named as in the JSON.
  const [header, ...rows] = readFileSync(join(cliDir, 'metrics.csv'), 'utf8').trim().split('\n');
  const columns = header.split(',');
  expect(rows).toHaveLength(2);
  expect(Number(rows[1].split(',')[columns.indexOf('testAcc')])).toBe(cli.epochs[1].testAcc);
  expect(columns).toContain('layers.fc1.momentumShare');
});

test('--expect says identical for a rerun on the same backend, different for a changed accuracy', () => {
  const same = experiment(`--expect=${join(dir, 'page.json')}`);
  expect(same.code, same.stderr).toBe(0);
  const lines = same.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(3);
  expect(lines.slice(0, 2)).toEqual([
    { epoch: 1, differences: [] },
    { epoch: 2, differences: [] },
  ]);
  expect(lines[2]).toMatchObject({ verdict: 'identical', required: 'exact' });

  const record = JSON.parse(readFileSync(join(dir, 'page.json'), 'utf8'));
  record.epochs[1].testAcc = Math.min(1, record.epochs[1].testAcc + 0.01);
  writeFileSync(join(dir, 'changed.json'), JSON.stringify(record));
  const changed = experiment(`--expect=${join(dir, 'changed.json')}`);
  expect(changed.code, changed.stderr).toBe(4);
  const [, second, verdict] = changed.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(second.differences).toEqual([
    expect.objectContaining({ path: 'testAcc', expected: record.epochs[1].testAcc }),
  ]);
  expect(verdict.verdict).toBe('different');
  expect(changed.stderr).toContain('experiment: different:');

  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...record, schema: 'other' }));
  const broken = experiment(`--expect=${join(dir, 'broken.json')}`);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toContain('is not a run record of docs/run-record.schema.json');
  expect(broken.stdout).toBe('');
});
