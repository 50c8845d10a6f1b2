/**
 * The sweep's plot: final test accuracy, mean ± sd over seeds, against one swept parameter,
 * one series per combination of the other swept values. The figures are computed here; the
 * drawing is vega-lite's (compiled to vega, rendered to SVG headless).
 */

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ParamKey } from '../url/params';
import { meanSd, type SummaryRow } from './summary';

/** Which parameter runs along x and which make the series. */
export interface PlotAxes {
  x: ParamKey;
  series: ParamKey[];
  /** Whether the seeds are averaged (`seed` is swept and is not on x). */
  overSeeds: boolean;
}

/** One point of a series: the mean and sd of the finished runs that share x and series. */
export interface PlotPoint {
  x: number | string;
  series: string;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
  n: number;
}

const numeric = (rows: readonly SummaryRow[], key: ParamKey) =>
  rows.every((r) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(r.values[key] ?? ''));

/**
 * Chooses the axes: `x` when given (it must be swept), else the first swept parameter with
 * numeric values (a density, a learning rate), else the first swept one; seeds are averaged,
 * and every other swept parameter makes the series. A sweep of seeds alone plots each seed.
 */
export function plotAxes(
  swept: readonly ParamKey[],
  rows: readonly SummaryRow[],
  x?: string,
): PlotAxes {
  if (x !== undefined && !swept.includes(x as ParamKey)) {
    const list = swept.length > 0 ? swept.join(', ') : 'none';
    throw new Error(`--x=${x} is not a swept parameter (swept: ${list})`);
  }
  const candidates = swept.filter((k) => k !== 'seed');
  if (candidates.length === 0)
    return { x: (x ?? swept[0] ?? 'seed') as ParamKey, series: [], overSeeds: false };
  const chosen = (x as ParamKey) ?? candidates.find((k) => numeric(rows, k)) ?? candidates[0];
  return {
    x: chosen,
    series: candidates.filter((k) => k !== chosen),
    overSeeds: chosen !== 'seed' && swept.includes('seed'),
  };
}

/** The points of the plot from the rows of finished runs (status done), in order of appearance. */
export function plotPoints(rows: readonly SummaryRow[], axes: PlotAxes): PlotPoint[] {
  const done = rows.filter((r) => r.status === 'done' && r.testAcc !== null);
  const asNumber = numeric(done, axes.x);
  const groups = new Map<string, { x: number | string; series: string; accs: number[] }>();
  for (const r of done) {
    const rawX = r.values[axes.x] ?? '';
    const series = axes.series.map((k) => r.values[k]).join(', ') || 'all';
    const id = JSON.stringify([rawX, series]);
    const group = groups.get(id) ?? { x: asNumber ? Number(rawX) : rawX, series, accs: [] };
    group.accs.push(r.testAcc as number);
    groups.set(id, group);
  }
  return [...groups.values()].map(({ x, series, accs }) => {
    const { mean, sd, n } = meanSd(accs);
    return { x, series, mean, sd, lo: mean - sd, hi: mean + sd, n };
  });
}

/** The vega-lite specification of the plot: lines of means with points, sd as error bars. */
export function plotSpec(points: readonly PlotPoint[], axes: PlotAxes): TopLevelSpec {
  const quantitative = points.every((p) => typeof p.x === 'number');
  const least = Math.min(...points.map((p) => p.n));
  const most = Math.max(...points.map((p) => p.n));
  const seeds = least === most ? `${most}` : `${least}–${most}`;
  const title = axes.overSeeds
    ? `Final test accuracy, mean ± sd over ${seeds} seeds`
    : 'Final test accuracy';
  const x = {
    field: 'x',
    type: quantitative ? ('quantitative' as const) : ('ordinal' as const),
    title: axes.x,
    ...(quantitative ? { scale: { zero: false } } : { sort: null, axis: { labelAngle: 0 } }),
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: axes.series.length > 0 ? axes.series.join(', ') : 'series',
    sort: null,
  };
  const y = {
    field: 'mean',
    type: 'quantitative' as const,
    title: 'test accuracy',
    scale: { zero: false },
    axis: { format: '.1%' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 480,
    height: 300,
    data: { values: points.map((p) => ({ ...p })) },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y,
          color,
          tooltip: [
            { field: 'mean', format: '.2%' },
            { field: 'sd', format: '.2%' },
            { field: 'n' },
          ],
        },
      },
      {
        mark: { type: 'errorbar', ticks: { size: 8 } },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', title: y.title },
          y2: { field: 'hi' },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}

/** Renders a vega-lite specification to SVG text, headless (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
