import { describe, expect, it } from 'vitest';
import { decode } from '../url/params';
import { expandSweep, MAX_EXPERIMENTS, selectIndex, SweepFileError } from './grid';

/** The problems a file is refused with. */
function problems(text: string): string[] {
  try {
    expandSweep(text);
  } catch (e) {
    if (e instanceof SweepFileError) return e.problems;
    throw e;
  }
  throw new Error('the file was accepted');
}

describe('sweep files', () => {
  it('expand a grid line into its cartesian product, the first parameter outermost', () => {
    const sweep = expandSweep('method=snfs,set,rigl&density=0.05,0.1&seed=17,18&train=2000');
    expect(sweep.experiments).toHaveLength(12);
    expect(sweep.swept).toEqual(['method', 'density', 'seed']);
    expect(sweep.experiments.slice(0, 3).map((e) => e.query)).toEqual([
      'method=snfs&density=0.05&seed=17&train=2000',
      'method=snfs&density=0.05&seed=18&train=2000',
      'method=snfs&density=0.1&seed=17&train=2000',
    ]);
    expect(sweep.experiments[11]).toEqual({
      index: 11,
      line: 1,
      query: 'method=rigl&density=0.1&seed=18&train=2000',
      values: { method: 'rigl', density: '0.1', seed: '18', train: '2000' },
    });
    // Every query is one the app decodes without a complaint.
    for (const e of sweep.experiments) expect(decode(e.query).rejected).toEqual([]);
  });

  it('write a list with dashes, as comparisons do, and hand the experiment commas', () => {
    const sweep = expandSweep('hidden=300-100,16-10&density=0.05,1&lr=1e-2');
    expect(sweep.experiments.map((e) => e.query)).toEqual([
      'hidden=300,100&density=0.05&lr=0.01',
      'hidden=300,100&density=1&lr=0.01',
      'hidden=16,10&density=0.05&lr=0.01',
      'hidden=16,10&density=1&lr=0.01',
    ]);
    expect(sweep.experiments[2].values.hidden).toBe('16-10');
    expect(decode(sweep.experiments[2].query).config.hidden).toEqual([16, 10]);
  });

  it('read plain queries, comments and blank lines; number experiments across lines', () => {
    const sweep = expandSweep(
      [
        '# baseline first',
        '?density=1&seed=17   # a copied link',
        '',
        '   ',
        'density=0.05&seed=17,18',
        'l2=0.001', // a legacy name is read under the current one
      ].join('\n'),
    );
    expect(sweep.experiments.map((e) => [e.index, e.line, e.query])).toEqual([
      [0, 2, 'density=1&seed=17'],
      [1, 5, 'density=0.05&seed=17'],
      [2, 5, 'density=0.05&seed=18'],
      [3, 6, 'wd=0.001'],
    ]);
    // A parameter some lines leave out is swept too (its default against the values given);
    // one given its default everywhere is not.
    expect(sweep.swept).toEqual(['density', 'seed', 'wd']);
    expect(sweep.experiments[3].values).toEqual({ wd: '0.001', density: '0.05', seed: '17' });
    expect(expandSweep('seed=17\nseed=17&lr=0.1,0.2').swept).toEqual(['lr']);
  });

  it('refuse every bad line with its number and what is wrong, running nothing', () => {
    const found = problems(
      [
        'density=0.05,0.1',
        'density=0.05,2&seed=1',
        'bogus=1',
        'hide=loss',
        'seed=1&seed=2',
        'method=',
        'hidden=300-abc',
      ].join('\n'),
    );
    expect(found).toEqual([
      'line 2: density=2 is refused: it must be > 0 and <= 1 ("density=0.05,2&seed=1")',
      'line 3: "bogus" is not a training parameter ("bogus=1")',
      'line 4: "hide" is not a training parameter ("hide=loss")',
      'line 5: seed is given more than once ("seed=1&seed=2")',
      'line 6: method has no value ("method=")',
      'line 7: hidden=300-abc is refused: it has a width that is not a whole number ("abc") ("hidden=300-abc")',
    ]);
    expect(problems('# nothing\n\n')).toEqual([
      'the file has no experiment (only comments or blank lines)',
    ]);
    const huge = problems(
      'seed=' +
        Array.from({ length: 101 }, (_, i) => i).join(',') +
        '&lr=' +
        Array.from({ length: 100 }, (_, i) => (i + 1) / 1000).join(','),
    );
    expect(huge[0]).toContain(
      `line 1: makes the sweep 10100 experiments, more than ${MAX_EXPERIMENTS}`,
    );
  });

  it('select one experiment by its 0-based index, refusing one out of range', () => {
    const sweep = expandSweep('seed=1,2,3');
    expect(selectIndex(sweep, '0').query).toBe('seed=1');
    expect(selectIndex(sweep, '2').query).toBe('seed=3');
    expect(() => selectIndex(sweep, '3')).toThrow(
      '--index=3 is out of range: the sweep has 3 experiments, numbered 0 to 2',
    );
    expect(() => selectIndex(sweep, '-1')).toThrow(
      '--index needs a whole number from 0 to 2, not "-1"',
    );
    expect(() => selectIndex(sweep, '')).toThrow('not ""');
    expect(() => selectIndex(sweep, '1.5')).toThrow('not "1.5"');
  });
});
