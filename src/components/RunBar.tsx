import { useEffect } from 'react';
import {
  pauseRun,
  resetRun,
  resumeRun,
  selectConfig,
  selectData,
  selectExpectedEpochSeconds,
  selectRunFigures,
  selectStatus,
  startRun,
  stepRun,
  useStore,
} from '../state';
import { formatBytes, formatSeconds } from './format';

/** Space bar: play/pause, as in the TensorFlow Playground (not while typing in a field). */
function togglePlay(status: string): void {
  if (status === 'idle' || status === 'done' || status === 'error') startRun();
  else if (status === 'running') pauseRun();
  else if (status === 'paused') resumeRun();
}

function useSpaceBar(): void {
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
}

function Buttons() {
  const status = useStore(selectStatus);
  const config = useStore(selectConfig);
  const noUpdates = config.method === 'static' || config.method === 'dense' || config.density >= 1;
  const canStep =
    status === 'idle' || status === 'paused' || status === 'done' || status === 'error';
  return (
    <div className="run-buttons">
      {status === 'idle' || status === 'done' || status === 'error' ? (
        <button className="primary" onClick={() => startRun()} data-testid="start">
          {status === 'idle' ? 'Start' : 'Start again'}
        </button>
      ) : status === 'paused' ? (
        <button className="primary" onClick={resumeRun} data-testid="resume">
          Resume
        </button>
      ) : (
        <button
          className="primary"
          onClick={pauseRun}
          disabled={status === 'loading'}
          data-testid="pause"
        >
          Pause
        </button>
      )}
      <button
        onClick={() => stepRun('batch')}
        disabled={!canStep}
        data-testid="step-batch"
        title="Train one mini-batch, then pause"
      >
        Step
      </button>
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
    </div>
  );
}

/** Where the run is: epoch and step, accuracy, speed, time left, and the device. */
function Figures() {
  const status = useStore(selectStatus);
  const data = useStore(selectData);
  const f = useStore(selectRunFigures);
  const expected = useStore(selectExpectedEpochSeconds);
  const busy = status === 'loading' || status === 'running';
  const statusText = (
    <span className={`status status-${status}`} data-testid="status">
      {busy ? `${status}…` : status}
    </span>
  );
  if (status === 'loading' && data) {
    const frac = data.total > 0 ? data.loaded / data.total : 0;
    return (
      <div className="run-figures" data-testid="data-progress">
        {statusText}
        <label htmlFor="data-bar">
          {data.phase === 'download' ? 'Downloading' : 'Decompressing'} {data.file}
          {data.total > 0 ? ` (${formatBytes(data.loaded)} of ${formatBytes(data.total)})` : ''}
        </label>
        <progress id="data-bar" max={1} value={data.phase === 'download' ? frac : undefined} />
      </div>
    );
  }
  if (status === 'loading')
    return (
      <div className="run-figures">
        {statusText}
        <span>Preparing the dataset and the device…</span>
        <progress className="waiting" aria-label="Preparing" />
      </div>
    );
  if (!f && status === 'running')
    // The first steps compile and time the kernels (seconds for a CNN): say so, and show it moves.
    return (
      <div className="run-figures" data-testid="first-steps">
        {statusText}
        <span>First steps: compiling and timing the kernels…</span>
        <progress className="waiting" aria-label="First steps" />
      </div>
    );
  if (!f)
    return (
      <div className="run-figures" data-testid="expected-time">
        {statusText}
        <span className="figure">
          {expected !== null
            ? `about ${formatSeconds(expected)} per epoch on this device (measured on the last run like this one)`
            : 'time per epoch on this device: unknown until the first steps run'}
        </span>
      </div>
    );
  return (
    <div className="run-figures" data-testid="run-progress">
      {statusText}
      <span className="figure">
        Epoch <strong>{f.epoch}</strong> of {f.epochs}, step {f.step} of {f.stepsPerEpoch}
      </span>
      {f.testAcc !== null && (
        <span className="figure" title={f.testAccNote}>
          test accuracy <strong data-testid="bar-test-acc">{(f.testAcc * 100).toFixed(2)}%</strong>
          {f.testAccOnSample && <small> (sample)</small>}
        </span>
      )}
      <span className="figure">
        {Math.round(f.samplesPerSec).toLocaleString('en-US')} samples/s
      </span>
      <span className="figure">
        {formatSeconds(f.secondsPerEpoch)} per epoch
        {status === 'running' ? `, about ${formatSeconds(f.secondsLeft)} left` : ''}
      </span>
      <span className="figure device">on {f.backend === 'webgpu' ? 'WebGPU' : 'CPU'}</span>
      <progress className="run-bar" max={1} value={f.done} aria-label="Training progress" />
    </div>
  );
}

/**
 * The run's controls and where it stands, in one bar that stays at the top of the window
 * wherever the page is scrolled: a class can always pause.
 */
export function RunBar() {
  useSpaceBar();
  return (
    <div className="run-bar-wrap" data-panel="run-bar">
      <div className="run-bar-inner">
        <Buttons />
        <Figures />
      </div>
    </div>
  );
}
