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
  PRESETS,
  runPreset,
  selectCompared,
  selectHistory,
  selectQueue,
  selectStatus,
  useStore,
} from '../state';
import { color } from './charts';
import { SavedRunsControl } from './SavedRuns';

/** Every run of this session, the presets, and test accuracy of the chosen runs overlaid. */
export function Compare() {
  const history = useStore(selectHistory);
  const compared = useStore(selectCompared);
  const queue = useStore(selectQueue);
  const status = useStore(selectStatus);
  const toggle = useStore((s) => s.toggleCompared);
  const shown = history.filter((r) => compared.includes(r.id));
  const epochs = Math.max(0, ...shown.map((r) => r.epochs.length));
  const data = Array.from({ length: epochs }, (_, i) =>
    Object.fromEntries([
      ['epoch', i + 1],
      ...shown
        .filter((r) => r.epochs[i])
        .map((r) => [r.name, Number((r.epochs[i].testAcc * 100).toFixed(2))]),
    ]),
  );
  const busy = status === 'loading' || status === 'running';
  return (
    <section className="panel compare" data-testid="compare" aria-label="Compare runs">
      <h2>Compare runs</h2>
      <p className="caption">
        Every run of this session is kept. A preset trains its runs one after another with the
        current data, epochs and seed.
        {queue.length > 0 && ` ${queue.length} more run${queue.length > 1 ? 's' : ''} queued.`}
      </p>
      <div className="presets">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            onClick={() => runPreset(p.id)}
            disabled={busy}
            title={p.description}
            data-testid={`preset-${p.id}`}
          >
            {p.title}
          </button>
        ))}
      </div>
      <SavedRunsControl />
      {history.length === 0 ? (
        <p className="caption">Finished runs appear here.</p>
      ) : (
        <>
          <ul className="runs" data-testid="runs">
            {history.map((r, i) => (
              <li key={r.id}>
                <label style={{ color: color(i) }}>
                  <input
                    type="checkbox"
                    checked={compared.includes(r.id)}
                    onChange={() => toggle(r.id)}
                  />{' '}
                  {r.name}
                  {r.epochs.length > 0 &&
                    `: ${(r.epochs[r.epochs.length - 1].testAcc * 100).toFixed(2)}%`}
                  {!r.finished && ' (stopped)'}
                </label>
              </li>
            ))}
          </ul>
          <div className="chart" data-testid="chart-compare">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="epoch"
                  type="number"
                  domain={[1, 'dataMax']}
                  allowDecimals={false}
                />
                <YAxis domain={['auto', 'auto']} width={48} unit="%" />
                <Tooltip />
                <Legend />
                {history.map((r, i) =>
                  compared.includes(r.id) ? (
                    <Line key={r.id} dataKey={r.name} stroke={color(i)} isAnimationActive={false} />
                  ) : null,
                )}
              </LineChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
    </section>
  );
}
