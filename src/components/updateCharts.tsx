import { memo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ComposedChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { selectMaskUpdates, selectScheduleFigures, useStore, type ScheduleFigures } from '../state';
import { updateFigures, type UpdateFigures } from '../state/derived';
import { color, Empty, Panel } from './charts';
import { REDRAW_MS, useThrottled } from './useThrottled';

/**
 * A bar as one plain rect. Recharts' default shape filters every prop of every bar into a
 * path; on a chart of hundreds of bars that is most of a redraw's cost, for the same picture.
 */
function plainBar(p: {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  fill?: string;
  fillOpacity?: number | string;
}) {
  const { x = 0, y = 0, width = 0, height = 0 } = p;
  return (
    <rect
      x={Math.min(x, x + width)}
      y={Math.min(y, y + height)}
      width={Math.abs(width)}
      height={Math.abs(height)}
      fill={p.fill}
      fillOpacity={p.fillOpacity}
    />
  );
}

/** A schedule marker as one plain circle (the default draws a symbol path per marker). */
function plainDot(p: { cx?: number; cy?: number; fill?: string; stroke?: string }) {
  return <circle cx={p.cx} cy={p.cy} r={4} fill={p.fill} stroke={p.stroke} />;
}

/**
 * Per mask update and layer: weights pruned (below zero) and regrown (above), from the
 * engine's reports; on long runs each bar sums consecutive updates, so the chart stays small.
 * Redrawn at most every REDRAW_MS (a mask update every step would redraw it at every flush).
 */
export function UpdatesChart() {
  const updates = useThrottled(useStore(selectMaskUpdates), REDRAW_MS);
  return <UpdatesDrawing figures={updateFigures(updates)} />;
}

const UpdatesDrawing = memo(function UpdatesDrawing({ figures }: { figures: UpdateFigures }) {
  const { layers, rows: data, updates, perBar } = figures;
  const what =
    perBar === 1
      ? 'Each bar is a layer at one mask update'
      : `Each bar is a layer over ${perBar} consecutive mask updates (${updates.toLocaleString('en-US')} in all, summed)`;
  return (
    <Panel
      title="Pruned and regrown per update"
      caption={`${what}: weights removed (below 0) and regrown (above 0). Sparse momentum moves weights between layers; SET and RigL regrow what each layer lost.`}
      testId="chart-updates"
    >
      {data.length === 0 ? (
        <Empty text="Appears after the first mask update." />
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={data}
            stackOffset="sign"
            margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="update" />
            <YAxis width={64} tickFormatter={(v: number) => v.toLocaleString()} />
            <Tooltip formatter={(v) => Math.abs(Number(v)).toLocaleString()} />
            <Legend />
            <ReferenceLine y={0} stroke="#111827" />
            {layers.flatMap((name, i) => [
              <Bar
                key={`${name} regrown`}
                dataKey={`${name} regrown`}
                stackId={name}
                fill={color(i)}
                shape={plainBar}
                isAnimationActive={false}
              />,
              <Bar
                key={`${name} pruned`}
                dataKey={`${name} pruned`}
                stackId={name}
                fill={color(i)}
                fillOpacity={0.45}
                shape={plainBar}
                isAnimationActive={false}
                legendType="none"
              />,
            ])}
          </BarChart>
        </ResponsiveContainer>
      )}
    </Panel>
  );
});

/**
 * The prune-rate schedule of the run: the curve over all training steps, the rates the
 * engine used at past updates (dots), and the updates still to come (hollow), at most a few
 * hundred markers however many updates the run makes; redrawn at most every REDRAW_MS.
 */
export function ScheduleChart() {
  return <ScheduleDrawing figures={useThrottled(useStore(selectScheduleFigures), REDRAW_MS)} />;
}

const ScheduleDrawing = memo(function ScheduleDrawing({ figures }: { figures: ScheduleFigures }) {
  if (figures.kind === 'empty') {
    return (
      <Panel
        title="Prune-rate schedule"
        caption="The fraction of active weights each mask update replaces, over training."
        testId="chart-schedule"
      >
        <Empty text={figures.text} />
      </Panel>
    );
  }
  const { totalSteps, globalStep, curve, used, planned, updates, thinned } = figures;
  const thin = thinned ? ` ${updates.toLocaleString('en-US')} updates (markers thinned).` : '';
  return (
    <Panel
      title="Prune-rate schedule"
      caption={`${figures.schedule} schedule from prune_rate=${figures.pruneRate} to 0.005. Filled dots: rates used at past updates; hollow: updates still to come.${thin}`}
      testId="chart-schedule"
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={[0, totalSteps]} />
          <YAxis domain={[0, 'auto']} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip formatter={(v) => Number(v).toFixed(4)} />
          <Legend />
          <Line
            data={curve}
            dataKey="schedule"
            stroke="#6b7280"
            dot={false}
            isAnimationActive={false}
          />
          <ReferenceLine x={globalStep} stroke="#111827" strokeDasharray="4 3" label="now" />
          <Scatter
            data={used}
            dataKey="used"
            fill="#dc2626"
            shape={plainDot}
            isAnimationActive={false}
          />
          <Scatter
            data={planned}
            dataKey="planned"
            fill="#ffffff"
            stroke="#2563eb"
            shape={plainDot}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </Panel>
  );
});
