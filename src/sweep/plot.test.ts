import { describe, expect, it } from 'vitest';
import { expandSweep } from './grid';
import { plotAxes, plotPoints, plotSpec, renderSvg } from './plot';
import { summaryRows, type SummaryRow } from './summary';

/** Rows of finished runs with the given accuracy for each experiment. */
function finished(text: string, acc: (values: SummaryRow['values']) => number) {
  const sweep = expandSweep(text);
  const rows = summaryRows(
    sweep,
    sweep.experiments.map((e) => ({
      status: { exitCode: 0, signal: null, seconds: 1 },
      record: {
        query: e.query,
        epochs: [{ epoch: 1, testAcc: acc(e.values), density: 0.05 }],
      },
    })),
  );
  return { sweep, rows };
}

describe('the sweep plot', () => {
  const { sweep, rows } = finished(
    'method=snfs,set,rigl&density=0.05,0.1&seed=17,18',
    (v) =>
      0.9 +
      Number(v.density) / 10 +
      (v.method === 'set' ? 0.01 : 0) +
      (v.seed === '18' ? 0.002 : 0),
  );

  it('puts the numeric swept parameter on x, averages seeds, one series per other value', () => {
    const axes = plotAxes(sweep.swept, rows);
    expect(axes).toEqual({ x: 'density', series: ['method'], overSeeds: true });
    const points = plotPoints(rows, axes);
    expect(points).toHaveLength(6);
    const set01 = points.find((p) => p.series === 'set' && p.x === 0.1);
    expect(set01?.n).toBe(2);
    expect(set01?.mean).toBeCloseTo(0.921, 9);
    expect(set01?.sd).toBeCloseTo(Math.SQRT2 * 0.001, 9);
    expect(set01?.hi).toBeCloseTo(0.921 + Math.SQRT2 * 0.001, 9);
    // A run that failed is left out of its point.
    const fewer = plotPoints(
      rows.map((r) => (r.index === 0 ? { ...r, status: 'failed' } : r)),
      axes,
    );
    expect(fewer.find((p) => p.series === 'snfs' && p.x === 0.05)?.n).toBe(1);
    expect(plotAxes(sweep.swept, rows, 'method')).toEqual({
      x: 'method',
      series: ['density'],
      overSeeds: true,
    });
    expect(() => plotAxes(sweep.swept, rows, 'lr')).toThrow(
      '--x=lr is not a swept parameter (swept: method, density, seed)',
    );
  });

  it('renders to SVG with vega-lite, a line and a legend entry per series', async () => {
    const axes = plotAxes(sweep.swept, rows);
    const svg = await renderSvg(plotSpec(plotPoints(rows, axes), axes));
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of [
      'snfs',
      'set',
      'rigl',
      'density',
      'test accuracy',
      'mean ± sd over 2 seeds',
    ])
      expect(svg).toContain(text);
    // Three lines of means (vega draws each as a path with role-mark line).
    expect(svg.match(/<path[^>]*aria-roledescription="line mark"/g) ?? []).toHaveLength(3);
  });

  it('plots each seed when only seeds are swept', () => {
    const only = finished('seed=1,2,3', (v) => Number(v.seed) / 10);
    const axes = plotAxes(only.sweep.swept, only.rows);
    expect(axes).toEqual({ x: 'seed', series: [], overSeeds: false });
    expect(plotPoints(only.rows, axes).map((p) => [p.x, p.mean])).toEqual([
      [1, 0.1],
      [2, 0.2],
      [3, 0.3],
    ]);
  });
});
