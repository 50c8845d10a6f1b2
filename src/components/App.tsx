import { useEffect, useState } from 'react';
import {
  autostart as startOnOpen,
  exportRun,
  resetRun,
  selectAutorun,
  selectComparisonOnStage,
  selectCrashed,
  selectEpochs,
  selectError,
  selectHide,
  selectNeedsRestart,
  selectNotice,
  selectProjector,
  selectRejected,
  selectSaved,
  selectStatus,
  startRun,
  useStore,
} from '../state';
import { rejectionMessage } from '../url/params';
import { AccuracyChart, DensityChart, LossChart, MomentumChart } from './charts';
import { CifarImport } from './CifarImport';
import { Compare } from './Compare';
import { ActivationChart, ComputeChart } from './computeCharts';
import { ConfusionMatrix } from './ConfusionMatrix';
import { ControlsPanel } from './ControlsPanel';
import { Details } from './Details';
import { MaskUpdateTable } from './MaskUpdateTable';
import { MaskViews } from './MaskViews';
import { ModelDownload } from './ModelDownload';
import { NetworkDrawing } from './NetworkDrawing';
import { RunBar } from './RunBar';
import { SampleStrip } from './SampleStrip';
import { TryNetwork } from './TryNetwork';
import { ResumeBanner } from './SavedRuns';
import { ScheduleChart, UpdatesChart } from './updateCharts';

/** A link with hundreds of bad parameters lists the first few, not a page of them. */
const SHOWN_REJECTIONS = 12;

function CopyLink() {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(window.location.href).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
    setTimeout(() => setCopied(null), 4000);
  };
  return (
    <span className="copy-link">
      <button
        onClick={copy}
        data-testid="copy-link"
        title="Copy a link that reopens this experiment"
      >
        Copy link
      </button>
      {copied === 'yes' && <span role="status">Link copied</span>}
      {copied === 'no' && (
        <input readOnly value={window.location.href} aria-label="Link to this experiment" />
      )}
    </span>
  );
}

function RejectedBanner() {
  const rejected = useStore(selectRejected);
  const autorun = useStore(selectAutorun);
  if (rejected.length === 0) return null;
  return (
    <div className="banner warn" role="alert" data-testid="rejected">
      <strong>Some URL parameters were ignored; their defaults are used instead.</strong>
      {autorun && ' Training did not start by itself: check the settings below, then press Start.'}
      <ul>
        {rejected.slice(0, SHOWN_REJECTIONS).map((r, i) => (
          <li key={i}>{rejectionMessage(r)}</li>
        ))}
        {rejected.length > SHOWN_REJECTIONS && (
          <li>…and {rejected.length - SHOWN_REJECTIONS} more.</li>
        )}
      </ul>
    </div>
  );
}

/**
 * What the page is and what to press. Before a run it says it all; once a run is on screen it
 * shrinks to the title, so the run fills the window. Its words follow what `hide=` removed.
 */
function Intro() {
  const status = useStore(selectStatus);
  const hide = useStore(selectHide);
  const projector = useStore(selectProjector);
  const shown = (name: string) => !hide.includes(name);
  const full = status === 'idle' && !projector;
  return (
    <header className={full ? 'intro' : 'intro compact'}>
      <div className="title-row">
        <h1>Sparse Playground</h1>
        <CopyLink />
      </div>
      {full && (
        <>
          <p>
            Train a neural network on MNIST or CIFAR-10 in your browser while keeping it{' '}
            <em>sparse</em>: only a few of its connections exist. <em>Sparse momentum</em> keeps
            removing the weakest connections and regrowing new ones where training pushes hardest,
            moving the budget to the layers that need it.
          </p>
          <p>
            Press <strong>Start</strong> (or the space bar) and watch{' '}
            {shown('network') ? (
              <>
                <em>The network</em>: at every mask update removed connections flash red and new
                ones green,{' '}
              </>
            ) : null}
            {shown('density-chart') ? (
              <>
                and <em>Density per layer</em>: the total stays fixed while the layers trade
                connections.
              </>
            ) : (
              'while accuracy climbs.'
            )}
            {shown('controls') &&
              ' Change anything under Settings; the address bar is always a link to what you see.'}
          </p>
        </>
      )}
    </header>
  );
}

function Banners() {
  const error = useStore(selectError);
  const crashed = useStore(selectCrashed);
  const notice = useStore(selectNotice);
  const needsRestart = useStore(selectNeedsRestart);
  return (
    <>
      <RejectedBanner />
      {error && (
        <div className="banner error" role="alert" data-testid="error">
          {error}
          {crashed && (
            <>
              {' '}
              <button onClick={() => startRun()} data-testid="restart">
                Restart
              </button>
            </>
          )}
        </div>
      )}
      {notice && (
        <div className="banner warn" role="status" data-testid="notice">
          {notice}
        </div>
      )}
      {needsRestart && (
        <div className="banner warn" role="status" data-testid="needs-restart">
          Settings changed: the run shown keeps its own; press Start again to train with the new
          ones.
        </div>
      )}
    </>
  );
}

function LastEpoch() {
  const epochs = useStore(selectEpochs);
  const last = epochs[epochs.length - 1];
  if (!last) return null;
  return (
    <div className="summary-row">
      <p className="summary" data-testid="last-epoch">
        After epoch {last.epoch}: test accuracy{' '}
        <strong data-testid="test-acc">{(last.testAcc * 100).toFixed(2)}%</strong>, total density{' '}
        <strong data-testid="total-density">{last.density.toFixed(4)}</strong> (
        {last.layers.map((l) => `${l.name} ${l.density.toFixed(3)}`).join(', ')})
        {last.layers.some((l) => l.emptyChannels !== null) && (
          <>
            ; empty output channels (filters with no weight left, skippable):{' '}
            <span data-testid="empty-channels">
              {last.layers
                .filter((l) => l.emptyChannels !== null)
                .map((l) => `${l.name} ${l.emptyChannels}`)
                .join(', ')}
            </span>
          </>
        )}
        {last.pruneRate !== null ? `, prune rate ${last.pruneRate.toFixed(4)}` : ''}.
      </p>
      <span className="export">
        Export:{' '}
        <button onClick={() => exportRun('csv')} data-testid="export-csv">
          CSV
        </button>{' '}
        <button onClick={() => exportRun('json')} data-testid="export-json">
          JSON
        </button>{' '}
        <ModelDownload />
      </span>
    </div>
  );
}

/**
 * One screen for the run: the bar with its controls on top (it stays in view), the network and
 * the two charts that tell the story under it, everything else in a grid further down.
 */
export function App() {
  const autorun = useStore(selectAutorun);
  const rejectedCount = useStore(selectRejected).length;
  // A link with refused parameters does not start by itself: the person sees why first; nor
  // does one whose last run a reload interrupted (the page offers to resume it).
  const resumeOffered = useStore(selectSaved).resumeOffered;
  const autostart = autorun && rejectedCount === 0 && !resumeOffered;
  const hide = useStore(selectHide);
  const projector = useStore(selectProjector);
  const shown = (panel: string) => !hide.includes(panel);
  // While a comparison runs its overlay takes the density chart's place beside the live run.
  const comparing = useStore(selectComparisonOnStage) && shown('compare-runs');
  useEffect(() => {
    if (autostart) startOnOpen();
    return resetRun;
  }, [autostart]);
  return (
    <main className={projector ? 'projector' : undefined}>
      <Intro />
      <RunBar />
      <ResumeBanner />
      <Banners />
      <CifarImport />
      <ControlsPanel />
      <div className="stage">
        {shown('network') && <NetworkDrawing />}
        {shown('accuracy') && <AccuracyChart />}
        {comparing ? <Compare onStage /> : shown('density-chart') && <DensityChart />}
      </div>
      <LastEpoch />
      <div className="grid">
        {comparing && shown('density-chart') && <DensityChart />}
        {shown('loss') && <LossChart />}
        {shown('regrowth-chart') && <MomentumChart />}
        {shown('updates') && <UpdatesChart />}
        {shown('schedule-chart') && <ScheduleChart />}
        {shown('mask-update') && <MaskUpdateTable />}
        {shown('confusion') && <ConfusionMatrix />}
        {shown('try') && <TryNetwork />}
        {shown('compare-runs') && <Compare overlay={!comparing} />}
        {shown('activations') && <ActivationChart />}
        {shown('compute') && <ComputeChart />}
        {shown('samples') && <SampleStrip />}
      </div>
      {shown('masks') && <MaskViews />}
      <Details showConfig={shown('config')} />
    </main>
  );
}
