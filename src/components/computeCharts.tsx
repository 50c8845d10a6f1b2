import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { selectComputeFigures, selectEpochs, useStore } from '../state';
import { color, Empty, Panel } from './charts';

/** Fraction of exact zeros in each layer's input, per epoch: the activations' own sparsity. */
export function ActivationChart() {
  const epochs = useStore(selectEpochs);
  const names = epochs[0]?.inputZeros.map((z) => z.name) ?? [];
  const data = epochs.map((e) =>
    Object.fromEntries([['epoch', e.epoch], ...e.inputZeros.map((z) => [z.name, z.zeros])]),
  );
  return (
    <Panel
      title="Activation sparsity"
      caption="Share of exact zeros in each layer's input (after ReLU, and pooling in CNNs), last training batch of each epoch. Zeros here could be skipped too: double sparsity."
      testId="chart-activations"
    >
      {data.length === 0 || names.length === 0 ? (
        <Empty text="Appears after the first epoch." />
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" type="number" domain={[1, 'dataMax']} allowDecimals={false} />
            <YAxis domain={[0, 1]} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
            <Tooltip formatter={(v) => Number(v).toFixed(3)} />
            <Legend />
            {names.map((n, i) => (
              <Line
                key={n}
                dataKey={n}
                name={`input of ${n}`}
                stroke={color(i + 1)}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </Panel>
  );
}

/**
 * FLOPs of one training step per epoch: dense, what this run's kernels compute (sparse layers
 * skip missing weights, dense-kernel layers do not), the minimum skipping every missing
 * weight, and also skipping zero inputs (double sparsity, not done: it did not pay on the
 * GPUs measured), with the measured samples/s.
 */
export function ComputeChart() {
  const figures = useStore(selectComputeFigures);
  if (!figures) {
    return (
      <Panel
        title="Compute per training step"
        caption="Dense vs weight-sparse vs weight-and-activation-sparse FLOPs, and samples/s."
        testId="chart-compute"
      >
        <Empty text="Appears after the first epoch." />
      </Panel>
    );
  }
  const { batch, denseGradient, rows: data } = figures;
  const gradient =
    denseGradient === 1
      ? ' Sparse momentum needs the dense weight gradient every step (the momentum of missing weights decides regrowth), so that part stays dense.'
      : denseGradient > 0
        ? ` Sparse momentum computes the dense weight gradient only in its momentum window before each update (${(100 * denseGradient).toFixed(1)}% of this run's steps), counted in each epoch's bars by its share of window steps.`
        : '';
  return (
    <Panel
      title="Compute per training step"
      caption={`GFLOP per step of ${batch} samples (bars) and measured samples/s (line).${gradient} "This run" counts each layer on the kernels it used (see Kernels above): dense-kernel layers compute their missing weights too.`}
      testId="chart-compute"
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" />
          <YAxis yAxisId="flops" width={56} tickFormatter={(v: number) => v.toPrecision(2)} />
          <YAxis yAxisId="speed" orientation="right" width={56} />
          <Tooltip formatter={(v) => Number(v).toPrecision(3)} />
          <Legend />
          <Bar yAxisId="flops" dataKey="dense" fill="#9ca3af" isAnimationActive={false} />
          <Bar yAxisId="flops" dataKey="this run" fill="#ea580c" isAnimationActive={false} />
          <Bar yAxisId="flops" dataKey="weight-sparse" fill="#2563eb" isAnimationActive={false} />
          <Bar
            yAxisId="flops"
            dataKey="weight- and activation-sparse"
            fill="#059669"
            isAnimationActive={false}
          />
          <Line yAxisId="speed" dataKey="samples/s" stroke="#dc2626" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </Panel>
  );
}
