import { memo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  selectEpochs,
  selectInitialLayers,
  selectSteps,
  selectSubsetEvals,
  useStore,
} from '../state';
import {
  lossSeries,
  sampleSeries,
  selectMaskUpdateCount,
  selectStepsPerEpoch,
} from '../state/derived';
import type { EpochMetrics, SubsetEval } from '../engine/trainer';
import { REDRAW_MS, useThrottled } from './useThrottled';

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2'];
export const color = (i: number) => COLORS[i % COLORS.length];
/** Round ticks from just below `min` up to 100 (e.g. 60, 70, ..., 100). */
function percentTicks(min: number): number[] {
  const span = 100 - (Number.isFinite(min) ? min : 0);
  const step = span > 50 ? 20 : span > 20 ? 10 : span > 10 ? 5 : 2;
  const ticks: number[] = [];
  for (let t = Math.max(0, Math.floor(min / step) * step); t <= 100; t += step) ticks.push(t);
  return ticks;
}

const EPOCH_LABEL = { value: 'epoch', position: 'insideBottomRight' as const, offset: -4 };

/** A titled chart panel with a one-line caption. */
export function Panel({
  title,
  caption,
  children,
  testId,
}: {
  title: string;
  caption: string;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <section className="panel" data-testid={testId} data-panel={testId} aria-label={title}>
      <h2>{title}</h2>
      <p className="caption">{caption}</p>
      <div className="chart">{children}</div>
    </section>
  );
}

/** What a chart shows before it has real values. */
export function Empty({ text }: { text: string }) {
  return <div className="empty">{text}</div>;
}

/**
 * Test accuracy per epoch (and train accuracy), from the worker's epoch events. The sample
 * curve is thinned to a few hundred points; a progress event alone does not redraw it, and
 * new sample accuracies redraw it at most every REDRAW_MS.
 */
export function AccuracyChart() {
  const epochs = useStore(selectEpochs);
  const samples = useThrottled(useStore(selectSubsetEvals), REDRAW_MS);
  const perEpoch = useStore(selectStepsPerEpoch);
  return <AccuracyDrawing epochs={epochs} samples={samples} perEpoch={perEpoch} />;
}

const AccuracyDrawing = memo(function AccuracyDrawing({
  epochs,
  samples,
  perEpoch,
}: {
  epochs: EpochMetrics[];
  samples: SubsetEval[];
  perEpoch: number;
}) {
  const sampleData = sampleSeries(samples, perEpoch);
  const images = samples[0]?.images ?? 0;
  const epochData = epochs.map((e) => ({
    x: e.epoch,
    test: e.testAcc * 100,
    train: e.trainAcc * 100,
  }));
  const accTicks = percentTicks(
    Math.min(...epochData.flatMap((d) => [d.test, d.train]), ...sampleData.map((d) => d.sample)),
  );
  return (
    <Panel
      title="Accuracy"
      caption={`Test and train accuracy (%) per epoch; dashed: test accuracy on a fixed sample of ${images > 0 ? images.toLocaleString('en-US') : 'about 1,000'} test images.`}
      testId="chart-accuracy"
    >
      {epochData.length === 0 && sampleData.length === 0 ? (
        <Empty text="Appears after the first steps." />
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={[0, 'dataMax']}
              tickFormatter={(v: number) => String(Number(v.toFixed(2)))}
              label={EPOCH_LABEL}
            />
            <YAxis
              domain={[accTicks[0], 100]}
              ticks={accTicks}
              tickFormatter={(v: number) => v.toFixed(0)}
              width={48}
            />
            <Tooltip
              formatter={(v) => `${Number(v).toFixed(2)}%`}
              labelFormatter={(v) => `epoch ${Number(v).toFixed(2)}`}
            />
            <Legend />
            <Line
              data={sampleData}
              dataKey="sample"
              name="test (sample)"
              stroke={color(0)}
              strokeDasharray="5 4"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              data={epochData}
              dataKey="test"
              name="test"
              stroke={color(0)}
              dot
              isAnimationActive={false}
            />
            <Line
              data={epochData}
              dataKey="train"
              name="train"
              stroke={color(1)}
              dot
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </Panel>
  );
});

/**
 * Train loss: running mean every few steps (a few hundred points at most, redrawn at most
 * every REDRAW_MS), plus per-epoch train and test loss.
 */
export function LossChart() {
  const steps = useThrottled(useStore(selectSteps), REDRAW_MS);
  const stepData = lossSeries(steps, useStore(selectStepsPerEpoch));
  return <LossDrawing stepData={stepData} epochs={useStore(selectEpochs)} />;
}

const LossDrawing = memo(function LossDrawing({
  stepData,
  epochs,
}: {
  stepData: ReturnType<typeof lossSeries>;
  epochs: EpochMetrics[];
}) {
  const epochData = epochs.map((e) => ({ x: e.epoch, train: e.trainLoss, test: e.testLoss }));
  return (
    <Panel
      title="Loss"
      caption="Train loss every few steps, and mean train/test loss per epoch."
      testId="chart-loss"
    >
      {stepData.length === 0 ? (
        <Empty text="Appears once training starts." />
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={[0, 'dataMax']}
              tickFormatter={(v: number) => v.toFixed(1)}
              label={EPOCH_LABEL}
            />
            <YAxis domain={[0, 'auto']} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
            <Tooltip
              formatter={(v) => Number(v).toFixed(4)}
              labelFormatter={(v) => `epoch ${Number(v).toFixed(2)}`}
            />
            <Legend />
            <Line
              data={stepData}
              dataKey="step"
              name="train loss (running)"
              stroke={color(2)}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              data={epochData}
              dataKey="train"
              name="train loss (epoch)"
              stroke={color(1)}
              isAnimationActive={false}
            />
            <Line
              data={epochData}
              dataKey="test"
              name="test loss (epoch)"
              stroke={color(0)}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </Panel>
  );
});

/** Density per layer over time: redistribution made visible. Epoch 0 is the initial mask. */
export function DensityChart() {
  const epochs = useStore(selectEpochs);
  const initial = useStore(selectInitialLayers);
  if (initial.length === 0) {
    return (
      <Panel
        title="Density per layer"
        caption="Fraction of each layer's weights that exist, after each mask update."
        testId="chart-density"
      >
        <Empty text="Appears once the model is built." />
      </Panel>
    );
  }
  const total = (layers: { active: number; size: number }[]) =>
    layers.reduce((a, l) => a + l.active, 0) / layers.reduce((a, l) => a + l.size, 0);
  const row = (epoch: number, layers: { name: string; active: number; size: number }[]) =>
    Object.fromEntries([
      ['epoch', epoch],
      ['total', total(layers)],
      ...layers.map((l) => [l.name, l.active / l.size]),
    ]);
  const data = [row(0, initial), ...epochs.map((e) => row(e.epoch, e.layers))];
  return (
    <Panel
      title="Density per layer"
      caption="Fraction of each layer's weights that exist, after each mask update (total stays fixed)."
      testId="chart-density"
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={[0, 'dataMax']}
            ticks={data.map((d) => d.epoch)}
            label={EPOCH_LABEL}
          />
          <YAxis domain={[0, 1]} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip formatter={(v) => Number(v).toFixed(4)} />
          <Legend />
          {initial.map((l, i) => (
            <Line key={l.name} dataKey={l.name} stroke={color(i)} isAnimationActive={false} />
          ))}
          <Line dataKey="total" stroke="#6b7280" strokeDasharray="6 3" isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </Panel>
  );
}

/**
 * Each layer's regrowth share: its normalised mean |momentum|, which under sparse momentum
 * decides how many of all freed connections it regrows. One question, one axis. The caption
 * counts mask updates; only the epochs redraw the lines.
 */
export function MomentumChart() {
  const epochs = useStore(selectEpochs);
  const updates = useStore(selectMaskUpdateCount);
  return (
    <Panel
      title="Regrowth share per layer"
      caption={`Which layers get the regrown connections: each layer's share of the mean |momentum| (how consistently its weights move). Sparse momentum gives a layer that share of all freed connections (${updates} mask update${updates === 1 ? '' : 's'} so far).`}
      testId="chart-momentum"
    >
      <MomentumLines epochs={epochs} />
    </Panel>
  );
}

const MomentumLines = memo(function MomentumLines({ epochs }: { epochs: EpochMetrics[] }) {
  const names = epochs[0]?.layers.map((l) => l.name) ?? [];
  const data = epochs.map((e) =>
    Object.fromEntries([['epoch', e.epoch], ...e.layers.map((l) => [l.name, l.momentumShare])]),
  );
  return data.length === 0 ? (
    <Empty text="Appears after the first epoch." />
  ) : (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="epoch"
          type="number"
          domain={[1, 'dataMax']}
          ticks={data.map((d) => d.epoch)}
          label={EPOCH_LABEL}
        />
        <YAxis domain={[0, 1]} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
        <Tooltip formatter={(v) => Number(v).toFixed(3)} />
        <Legend />
        {names.map((n, i) => (
          <Line
            key={n}
            dataKey={n}
            name={`${n} regrowth share`}
            stroke={color(i)}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});
