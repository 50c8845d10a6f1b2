import { describe, expect, it } from 'vitest';
import { expandSweep } from './grid';
import { meanSd, recordFigures, statusCounts, summaryCsv, summaryRows } from './summary';

/** The least a run record holds by the contract (docs/run-record.schema.json has the rest). */
function record(query: string, accs: number[], density = 0.05) {
  return {
    schema: 'sparse-playground/run-record@1',
    query: `v=2&${query}`,
    epochs: accs.map((testAcc, i) => ({ epoch: i + 1, testAcc, density })),
    summary: { testAcc: accs.at(-1), density, epochs: accs.length },
  };
}

/** Splits CSV text into rows of fields (quoted fields may hold commas and quotes). */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
        .slice(0, -1)
        .map(([, f]) => (f.startsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f)),
    );
}

describe('sweep summaries', () => {
  const sweep = expandSweep('method=snfs,set&hidden=300-100&seed=17,18&epochs=2');
  const ok = { exitCode: 0, signal: null, seconds: 12.34 };

  it('make one row per experiment with its swept values, final figures and exit status', () => {
    const [a, , c, d] = sweep.experiments;
    const rows = summaryRows(sweep, [
      { status: ok, record: record(a.query, [0.9, 0.95]) },
      { status: { exitCode: 3, signal: null, seconds: 5 } },
      { status: ok, record: record(c.query, [0.8, 0.91], 0.0501) },
      // d has not run (a job array still at work)
    ]);
    expect(rows.map((r) => [r.index, r.values, r.testAcc, r.density, r.status])).toEqual([
      [0, { method: 'snfs', seed: '17' }, 0.95, 0.05, 'done'],
      [1, { method: 'snfs', seed: '18' }, null, null, 'diverged'],
      [2, { method: 'set', seed: '17' }, 0.91, 0.0501, 'done'],
      [3, { method: 'set', seed: '18' }, null, null, 'missing'],
    ]);
    expect(statusCounts(rows)).toBe('2 done, 1 diverged, 1 missing');
    expect(d.query).toBe('method=set&hidden=300,100&seed=18&epochs=2');

    const csv = parseCsv(summaryCsv(sweep, rows));
    expect(csv[0]).toEqual([
      'index',
      'query',
      'method',
      'seed',
      'final_testAcc',
      'final_density',
      'epochs_done',
      'seconds',
      'exit',
      'status',
    ]);
    expect(csv[1]).toEqual([
      '0',
      'method=snfs&hidden=300,100&seed=17&epochs=2',
      'snfs',
      '17',
      '0.95',
      '0.05',
      '2',
      '12.3',
      '0',
      'done',
    ]);
    expect(csv[2].slice(-2)).toEqual(['3', 'diverged']);
    expect(csv[4].slice(4)).toEqual(['', '', '', '', '', 'missing']);
    expect(csv).toHaveLength(5);
    // Sweeping density or epochs gives no column name twice.
    const both = expandSweep('density=0.05,0.1&epochs=1,2');
    const header = parseCsv(summaryCsv(both, summaryRows(both, [])))[0];
    expect(new Set(header).size).toBe(header.length);
  });

  it('refuse a record of another experiment, one with no epoch, and a run that left none', () => {
    const [a, b] = sweep.experiments;
    expect(recordFigures(record(b.query, [0.9]), a)).toEqual({
      problem: expect.stringContaining('was the folder used for another sweep?'),
    });
    expect(recordFigures({ query: a.query, epochs: [] }, a)).toEqual({
      problem: 'holds no finished epoch',
    });
    expect(recordFigures('junk', a)).toEqual({ problem: 'is not a JSON object' });
    // With no summary, the last epoch's figures.
    const { summary: _s, ...bare } = record(a.query, [0.5, 0.6]);
    expect(recordFigures(bare, a)).toEqual({ testAcc: 0.6, density: 0.05, epochs: 2 });
    const rows = summaryRows(sweep, [
      { status: ok },
      { status: ok, record: record(a.query, [0.9]) },
      { status: { exitCode: null, signal: 'SIGKILL', seconds: 1 } },
    ]);
    expect(rows.map((r) => r.status)).toEqual([
      'bad-record',
      'bad-record',
      'killed (SIGKILL)',
      'missing',
    ]);
    expect(rows[0].problem).toBe('it exited 0 but wrote no record');
    expect(rows[1].problem).toContain('the record is the record of "v=2&method=snfs');
  });

  it('give the mean and the sample standard deviation (n − 1) of seeds', () => {
    expect(meanSd([0.9653, 0.9661, 0.9613])).toEqual({
      mean: expect.closeTo(0.96423, 5),
      sd: expect.closeTo(0.0025716, 6), // population sd would be 0.0021
      n: 3,
    });
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: 0, n: 1 });
    expect(meanSd([]).n).toBe(0);
  });
});
