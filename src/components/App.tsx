import { useEffect, useState } from 'react';
import {
  pauseRun,
  resetRun,
  resumeRun,
  selectAdapter,
  selectAutorun,
  selectBackend,
  selectBatch,
  exportRun,
  selectConfig,
  selectCrashed,
  selectData,
  selectEpochs,
  selectInitialLayers,
  selectError,
  selectGpuMemory,
  selectNotice,
  selectProgress,
  selectRejected,
  selectStatus,
  selectHide,
  selectNeedsRestart,
  selectProjector,
  startRun,
  stepRun,
  useStore,
} from '../state';
import { formatValue, PARAMS, rejectionMessage } from '../url/params';
import { AccuracyChart, DensityChart, LossChart, MomentumChart } from './charts';
import { CifarImport } from './CifarImport';
import { Compare } from './Compare';
import { ActivationChart, ComputeChart } from './computeCharts';
import { ControlsPanel } from './ControlsPanel';
import { MaskUpdateTable } from './MaskUpdateTable';
import { MaskViews } from './MaskViews';
import { SampleStrip } from './SampleStrip';
import { ScheduleChart, UpdatesChart } from './updateCharts';

function formatBytes(n: number): string {
  if (n === 0) return '0 bytes';
  return n > 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(0)} kB`;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 90) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A link with hundreds of bad parameters lists the first few, not a page of them. */
const SHOWN_REJECTIONS = 12;

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

/** Space bar: play/pause, as in the TensorFlow Playground (not while typing in a field). */
function togglePlay(status: string): void {
  if (status === 'idle' || status === 'done' || status === 'error') startRun();
  else if (status === 'running') pauseRun();
  else if (status === 'paused') resumeRun();
}

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
    <>
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
    </>
  );
}

function Controls() {
  const status = useStore(selectStatus);
  const gpu = useStore(selectGpuMemory);
  const config = useStore(selectConfig);
  const busy = status === 'loading' || status === 'running';
  const noUpdates = config.method === 'static' || config.method === 'dense' || config.density >= 1;
  const canStep =
    status === 'idle' || status === 'paused' || status === 'done' || status === 'error';
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key !== ' ' || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName))
        return;
      e.preventDefault();
      togglePlay(useStore.getState().status);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="controls">
      {status === 'idle' || status === 'done' || status === 'error' ? (
        <button onClick={() => startRun()} data-testid="start">
          {status === 'idle' ? 'Start' : 'Start again'}
        </button>
      ) : status === 'paused' ? (
        <button onClick={resumeRun} data-testid="resume">
          Resume
        </button>
      ) : (
        <button onClick={pauseRun} disabled={status === 'loading'} data-testid="pause">
          Pause
        </button>
      )}
      <button
        onClick={() => stepRun('epoch')}
        disabled={!canStep}
        data-testid="step-epoch"
        title="Train to the end of the current epoch, then pause"
      >
        Step epoch
      </button>
      <button
        onClick={() => stepRun('update')}
        disabled={!canStep || noUpdates}
        data-testid="step-update"
        title="Train until the next mask update, then pause"
      >
        Step update
      </button>
      <button onClick={resetRun} disabled={status === 'idle'} data-testid="reset">
        Reset
      </button>
      <CopyLink />
      <span className={`status status-${status}`} data-testid="status">
        {busy ? `${status}…` : status}
      </span>
      {gpu && (
        <span
          className="gpu-memory"
          data-testid="gpu-memory"
          title="GPU buffers the training worker holds (after the last epoch, or after Reset)"
        >
          GPU memory: {gpu.buffers} buffers, {formatBytes(gpu.bytes)}
        </span>
      )}
    </div>
  );
}

function ProgressLine() {
  const data = useStore(selectData);
  const progress = useStore(selectProgress);
  const epochs = useStore(selectEpochs);
  const batch = useStore(selectBatch);
  const backend = useStore(selectBackend);
  const adapter = useStore(selectAdapter);
  const status = useStore(selectStatus);
  if (status === 'loading' && data) {
    const frac = data.total > 0 ? data.loaded / data.total : 0;
    return (
      <div className="progress" data-testid="data-progress">
        <label htmlFor="data-bar">
          {data.phase === 'download' ? 'Downloading' : 'Decompressing'} {data.file}
          {data.total > 0 ? ` (${formatBytes(data.loaded)} of ${formatBytes(data.total)})` : ''}
        </label>
        <progress id="data-bar" max={1} value={data.phase === 'download' ? frac : undefined} />
      </div>
    );
  }
  if (status === 'loading')
    return <div className="progress">Preparing the dataset and the device…</div>;
  if (!progress || !backend) return null;
  const done = progress.globalStep / progress.totalSteps;
  const last = epochs[epochs.length - 1];
  const perEpoch = last?.seconds ?? (progress.stepsPerEpoch * batch) / progress.samplesPerSec;
  const left = (perEpoch * (progress.totalSteps - progress.globalStep)) / progress.stepsPerEpoch;
  return (
    <div className="progress" data-testid="run-progress">
      <label htmlFor="run-bar">
        Epoch{' '}
        {Math.min(progress.epoch + 1, Math.ceil(progress.totalSteps / progress.stepsPerEpoch))},
        step {progress.step} of {progress.stepsPerEpoch} ·{' '}
        {Math.round(progress.samplesPerSec).toLocaleString()} samples/s · {formatSeconds(perEpoch)}{' '}
        per epoch
        {status === 'running' ? ` · about ${formatSeconds(left)} left` : ''} ·{' '}
        {backend === 'webgpu' ? 'WebGPU' : 'CPU'}: {adapter}
      </label>
      <progress id="run-bar" max={1} value={done} />
      <LayerKernels />
    </div>
  );
}

const KERNEL_WORDS: Record<string, string> = { dense: 'dense', csr: 'sparse (CSR)' };

/** Which kernels each layer runs on now: sparse ones where the density makes them faster. */
function LayerKernels() {
  const epochs = useStore(selectEpochs);
  const initial = useStore(selectInitialLayers);
  const layers = epochs[epochs.length - 1]?.layers ?? initial;
  if (layers.length === 0) return null;
  return (
    <p className="kernels" data-testid="layer-kernels">
      Kernels:{' '}
      {layers
        .map(
          (l) =>
            `${l.name} ${KERNEL_WORDS[l.kernel] ?? `sparse (${l.kernel.replace('block', 'block ')})`}`,
        )
        .join(' · ')}
    </p>
  );
}

function ConfigSummary() {
  const config = useStore(selectConfig);
  const values = config as unknown as Record<string, unknown>;
  return (
    <details className="config" open>
      <summary>Experiment (from the URL)</summary>
      <dl>
        {PARAMS.filter((p) => p.key !== 'autorun').map((p) => {
          const v = values[p.key];
          const text = formatValue(v);
          return (
            <div key={p.key} title={p.help}>
              <dt>{p.key}</dt>
              <dd data-testid={`config-${p.key}`}>{text}</dd>
            </div>
          );
        })}
      </dl>
    </details>
  );
}

function LastEpoch() {
  const epochs = useStore(selectEpochs);
  const last = epochs[epochs.length - 1];
  if (!last) return null;
  return (
    <div className="summary-row">
      <LastEpochText />
      <span className="export">
        Export metrics:{' '}
        <button onClick={() => exportRun('csv')} data-testid="export-csv">
          CSV
        </button>{' '}
        <button onClick={() => exportRun('json')} data-testid="export-json">
          JSON
        </button>
      </span>
    </div>
  );
}

function LastEpochText() {
  const epochs = useStore(selectEpochs);
  const last = epochs[epochs.length - 1];
  return (
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
  );
}

export function App() {
  const error = useStore(selectError);
  const crashed = useStore(selectCrashed);
  const notice = useStore(selectNotice);
  const autorun = useStore(selectAutorun);
  const rejectedCount = useStore(selectRejected).length;
  // A link with refused parameters does not start by itself: the person sees why first.
  const autostart = autorun && rejectedCount === 0;
  const hide = useStore(selectHide);
  const projector = useStore(selectProjector);
  const needsRestart = useStore(selectNeedsRestart);
  const shown = (panel: string) => !hide.includes(panel);
  useEffect(() => {
    if (autostart) startRun();
    return resetRun;
  }, [autostart]);
  return (
    <main className={projector ? 'projector' : undefined}>
      <header>
        <h1>Sparse Playground</h1>
        <p>
          Train a sparse neural network on MNIST or CIFAR-10 in your browser with{' '}
          <em>sparse momentum</em>: prune the smallest weights, give the freed budget to the layers
          whose momentum is largest, regrow where missing weights have the largest momentum. Compare
          it with SET, RigL, a static mask and a dense network, on an MLP, LeNet-5 or a small
          VGG-style CNN.
        </p>
        <p>
          Press <strong>Start</strong> (or the space bar). Watch <em>Density per layer</em>: the
          total stays fixed while weights move to the layers that need them, and{' '}
          <em>Momentum per layer</em> shows why. Change anything under Settings; the address bar is
          always a link to what you see.
        </p>
      </header>
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
      <Controls />
      {needsRestart && (
        <div className="banner warn" role="status" data-testid="needs-restart">
          Settings changed: the run shown keeps its own; press Start again to train with the new
          ones.
        </div>
      )}
      <ProgressLine />
      <CifarImport />
      <ControlsPanel />
      {shown('samples') && <SampleStrip />}
      <LastEpoch />
      <div className="grid">
        {shown('accuracy') && <AccuracyChart />}
        {shown('loss') && <LossChart />}
        {shown('density-chart') && <DensityChart />}
        {shown('momentum') && <MomentumChart />}
        {shown('activations') && <ActivationChart />}
        {shown('compute') && <ComputeChart />}
        {shown('updates') && <UpdatesChart />}
        {shown('schedule') && <ScheduleChart />}
        {shown('mask-update') && <MaskUpdateTable />}
        {shown('compare') && <Compare />}
      </div>
      {shown('masks') && <MaskViews />}
      {shown('config') && <ConfigSummary />}
    </main>
  );
}
