import { describe, expect, it } from 'vitest';
import { parseSweepArgs } from './args';
import { duration, etaSeconds, progressLine } from './progress';

describe('the sweep command line', () => {
  it('reads its own flags and hands the others on to every experiment', () => {
    expect(
      parseSweepArgs(['grid.txt', '--jobs=2', '--dir=out', '--timeout=600', '--runtime=node']),
    ).toMatchObject({
      file: 'grid.txt',
      jobs: 2,
      dir: 'out',
      index: null,
      passOn: ['--timeout=600', '--runtime=node'],
    });
    expect(parseSweepArgs(['g', '--summarize', '--x=density'])).toMatchObject({
      summarize: true,
      x: 'density',
      dir: 'sweep-out',
      jobs: 1,
    });
    expect(parseSweepArgs(['g', '--index=3'])).toMatchObject({ index: '3' });
  });

  it('refuses what it cannot do, saying why', () => {
    expect(parseSweepArgs([])).toEqual({ error: 'no sweep file given (see --help)' });
    expect(parseSweepArgs(['a', 'b'])).toEqual({ error: 'one sweep file, not 2 (a, b)' });
    expect(parseSweepArgs(['a', '--jobs=0'])).toEqual({
      error: '--jobs needs a whole number >= 1, not "0"',
    });
    expect(parseSweepArgs(['a', '--out=x.json'])).toEqual({
      error: '--out is set by the sweep for each experiment (see --dir)',
    });
    expect(parseSweepArgs(['a', '--dir'])).toEqual({ error: '--dir needs a value (--dir=...)' });
    expect(parseSweepArgs(['a', '--summarize', '--index=1'])).toEqual({
      error: '--summarize runs nothing, so --index does not apply',
    });
    expect(parseSweepArgs(['--help'])).toMatchObject({ help: true });
  });
});

describe('the progress line', () => {
  it('says done of total, running, failures, time so far and to go', () => {
    const p = { done: 3, total: 12, running: 2, failed: 1, elapsedS: 90 };
    expect(etaSeconds(p)).toBe(270);
    expect(progressLine(p)).toBe('sweep: 3/12 done, 2 running, 1 failed, 1m30s elapsed, ETA 4m30s');
    expect(progressLine(p, 12)).toBe(
      '[###.........] 3/12 done · 2 running · 1 failed · 1m30s elapsed · ETA 4m30s',
    );
    expect(progressLine({ ...p, done: 0 })).toContain('ETA ?');
    expect(progressLine({ ...p, done: 12, running: 0 }, 4)).toMatch(/^\[####\] .* finished$/);
    expect([duration(42.4), duration(3725)]).toEqual(['42s', '1h02m']);
  });
});
