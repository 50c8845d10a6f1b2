import { useState } from 'react';
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
  exportComparison,
  runLinkedComparison,
  runPreset,
  selectCompareChart,
  selectCompared,
  selectComparedLink,
  selectComparisonProgress,
  selectHistory,
  selectLinkedComparison,
  selectPresetCards,
  selectStatus,
  useStore,
  type ComparisonProgress,
  type ExpectedTime,
} from '../state';
import { color } from './charts';
import { SavedRunsControl } from './SavedRuns';
import { formatSeconds } from './format';

/** How long runs take here, as far as earlier runs on this device tell. */
function timeText(t: ExpectedTime, runs: number): string {
  if (t.unknown === runs) return 'time here not known until a run of this shape has run';
  const about = `about ${formatSeconds(t.seconds)} here`;
  if (t.unknown === 0) return t.scaled ? `${about} (scaled from runs on other data)` : about;
  return `at least ${formatSeconds(t.seconds)} here (${t.unknown} of ${runs} runs not timed yet)`;
}

/**
 * Starts a comparison from a button far down the page and brings the top into view, where its
 * overlay now sits beside the live run.
 */
function start(run: () => void): void {
  run();
  window.scrollTo({ top: 0, behavior: 'smooth' });
}

const pct = (acc: number | null) => (acc === null ? '' : `${(acc * 100).toFixed(2)}%`);

/** The comparison on screen: which run trains, which are done and their accuracy. */
function Progress({ p }: { p: ComparisonProgress }) {
  const done = p.runs.length - p.left;
  return (
    <>
      <p className="caption" data-testid="comparison-status">
        {p.left > 0
          ? `Run ${done + 1} of ${p.runs.length}. The settings stay yours: Start trains them, not these runs.`
          : `All ${p.runs.length} runs ended.`}
      </p>
      <ol className="comparison-runs" data-testid="comparison-runs">
        {p.runs.map((r, i) => (
          <li key={i} data-state={r.state}>
            {r.label}:{' '}
            {r.state === 'done'
              ? pct(r.acc)
              : r.state === 'stopped'
                ? `stopped${r.acc === null ? '' : ` at ${pct(r.acc)}`}`
                : r.state === 'running'
                  ? `training${r.acc === null ? '…' : ` (${pct(r.acc)} so far)`}`
                  : 'waiting'}
          </li>
        ))}
      </ol>
    </>
  );
}

/** Test accuracy per epoch of every overlaid run, and of the comparison run training now. */
function Chart() {
  const { lines, rows } = useStore(selectCompareChart);
  if (lines.length === 0) return null;
  return (
    <div className="chart compare-chart" data-testid="chart-compare">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" type="number" domain={[1, 'dataMax']} allowDecimals={false} />
          <YAxis domain={['auto', 'auto']} width={48} unit="%" />
          <Tooltip />
          <Legend />
          {lines.map((l) => (
            <Line
              key={l.key}
              dataKey={l.key}
              name={l.name}
              stroke={color(l.color)}
              strokeDasharray={l.live ? '4 3' : undefined}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The link that replays the overlaid runs, and their export. */
function Share() {
  const query = useStore(selectComparedLink);
  const [copied, setCopied] = useState(false);
  if (query === null) return null;
  const link = new URL(query, window.location.href).href;
  const copy = () =>
    navigator.clipboard.writeText(link).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 4000);
      },
      () => undefined,
    );
  return (
    <p className="compare-share">
      <a href={link} target="_blank" rel="noreferrer" data-testid="compare-link">
        Link to this comparison
      </a>{' '}
      <button onClick={copy} data-testid="copy-compare-link">
        Copy
      </button>
      {copied && <span role="status"> Link copied</span>} · Export the overlaid runs:{' '}
      <button onClick={() => exportComparison('csv')} data-testid="export-compare-csv">
        CSV
      </button>{' '}
      <button onClick={() => exportComparison('json')} data-testid="export-compare-json">
        JSON
      </button>
    </p>
  );
}

/** What a `compare=` link holds, and the button that runs it. */
function Linked({ busy }: { busy: boolean }) {
  const linked = useStore(selectLinkedComparison);
  if (!linked) return null;
  return (
    <div className="linked-comparison" data-testid="linked-comparison">
      <p>
        This link holds a comparison of {linked.labels.length} runs: {linked.labels.join(', ')}
        <span className="caption"> ({timeText(linked.time, linked.labels.length)})</span>
      </p>
      <button
        className="primary"
        onClick={() => start(runLinkedComparison)}
        disabled={busy}
        data-testid="run-comparison"
      >
        Run comparison
      </button>
    </div>
  );
}

/** The presets: what each shows, how long it takes here, and a quick variant's limits. */
function Presets({ busy }: { busy: boolean }) {
  const cards = useStore(selectPresetCards);
  return (
    <div className="presets">
      {cards.map((c) => (
        <div className="preset" key={c.id}>
          <strong>{c.title}</strong>
          <p className="caption">{c.demonstrates}</p>
          <button
            onClick={() => start(() => runPreset(c.id))}
            disabled={busy}
            data-testid={`preset-${c.id}`}
          >
            Run
          </button>{' '}
          <span className="caption" data-testid={`preset-${c.id}-time`}>
            {c.runs} runs × {c.full.epochs} epochs on {c.full.train.toLocaleString('en-US')} images,{' '}
            {timeText(c.full.time, c.runs)}
          </span>
          <br />
          <button
            onClick={() => start(() => runPreset(c.id, true))}
            disabled={busy}
            data-testid={`preset-${c.id}-quick`}
          >
            Quick
          </button>{' '}
          <span className="caption">
            {timeText(c.quick.time, c.runs)}. {c.quick.note}
          </span>
        </div>
      ))}
    </div>
  );
}

/**
 * Comparisons: presets and `compare=` links run their runs one after another without touching
 * the settings. While one is on screen (`onStage`) a panel beside the live run shows it: its
 * runs, their overlay, its link and export. The grid's panel holds the presets and every run of
 * the session (and the overlay, when no comparison is on stage).
 */
export function Compare({
  onStage = false,
  overlay = true,
}: {
  onStage?: boolean;
  overlay?: boolean;
}) {
  const history = useStore(selectHistory);
  const compared = useStore(selectCompared);
  const progress = useStore(selectComparisonProgress);
  const status = useStore(selectStatus);
  const toggle = useStore((s) => s.toggleCompared);
  const busy = status === 'loading' || status === 'running';
  if (onStage)
    return (
      <section className="panel compare on-stage" data-testid="comparison" aria-label="Comparison">
        <h2>{progress?.title ?? 'Comparison'}</h2>
        {progress && <Progress p={progress} />}
        <Chart />
        {progress?.note && <p className="caption compare-note">{progress.note}</p>}
        <Share />
      </section>
    );
  return (
    <section className="panel compare" data-testid="compare" aria-label="Compare runs">
      <h2>Compare runs</h2>
      {overlay && <Chart />}
      {overlay && <Share />}
      <Linked busy={busy} />
      <p className="caption">
        Every run of this session is kept; tick the ones to overlay. A preset runs the reference
        setup with your seed, one run after another, and leaves your settings alone.
      </p>
      <Presets busy={busy} />
      <SavedRunsControl />
      {history.length === 0 ? (
        <p className="caption">Finished runs appear here.</p>
      ) : (
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
                {r.epochs.length > 0 && `: ${pct(r.epochs[r.epochs.length - 1].testAcc)}`}
                {!r.finished && ' (stopped)'}
              </label>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
