import { trainingPart, type ExperimentConfig } from '../config';
import type { Checkpoint } from '../engine/checkpoint';
import type { CheckpointMessage, ModelMessage, StopAt, ToWorker } from '../worker/protocol';
import { expandCompare, newComparison } from './compare';
import { selectComparedLink, selectComparedRuns } from './compareView';
import { recordCsv } from '../record';
import { compareCsv, compareJson } from './exportRun';
import { createInbox, type WorkerMessage } from './inbox';
import { receiveModel } from './modelActions';
import { runFileName } from './modelExport';
import { keepCheckpoint, takeResumable } from './persist';
import { PRESETS, presetRuns, quickNote } from './presets';
import { shownRunRecord } from './runRecord';
import { useStore, type ComparisonRunRequest } from './store';

/** Hook a headless driver (`npm run experiment`) can install to receive every event. */
type Sink = (event: unknown) => void;
declare global {
  interface Window {
    __experimentEvent?: Sink;
    /** Test aids for the robustness tests (dev server only): they affect this tab's own worker. */
    __sparsePlayground?: { loseDevice(): void; crashWorker(): void };
  }
}

// Only on the dev server (where the browser tests run): the built site ships no test aids.
if (import.meta.env.DEV) {
  window.__sparsePlayground = {
    loseDevice: () => send({ type: 'loseDevice' }),
    crashWorker: () => send({ type: 'crash' }),
  };
}

let worker: Worker | null = null;

function forward(event: unknown): void {
  window.__experimentEvent?.(event);
}

/** Posts to the worker of the shown run (nothing when there is none). */
export function send(m: ToWorker): void {
  worker?.postMessage(m);
}

let runCounter = 0;
/** The run whose messages the page shows; 0 while none is. */
let activeRun = 0;

/** Worker messages reach the store in batches, a few times a second, in order. */
const inbox = createInbox(
  () => activeRun,
  (m) => {
    forward(m);
    if (m.type === 'done') startQueued();
  },
);

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (
    e: MessageEvent<WorkerMessage | ((CheckpointMessage | ModelMessage) & { run: number })>,
  ) => {
    const m = e.data;
    if (m.type === 'model') return receiveModel(m);
    if (m.type !== 'checkpoint') return inbox.push(m);
    // Saved with the figures up to its epoch: the messages before it are applied first.
    inbox.flush();
    if (m.run === activeRun) keepCheckpoint(m.checkpoint);
  };
  w.onerror = (e) => {
    e.preventDefault();
    // What the worker said before it died still counts.
    inbox.flush();
    stopRun();
    const message =
      `The training worker stopped unexpectedly (${e.message || 'unknown error'}). ` +
      'The curves so far stay on screen; Restart trains the same experiment again, without reloading the page.';
    useStore.getState().receive({ type: 'crashed', message });
    forward({ type: 'error', message });
  };
  worker = w;
  return w;
}

/**
 * Starts a fresh run of the current configuration (which ends a comparison in progress), or
 * one run of the comparison. The worker is kept between runs (its datasets too); it frees
 * the previous run's device before starting the next.
 */
export function startRun(stopAt: StopAt | null = null, run?: ComparisonRunRequest): void {
  // The last run's messages that already arrived belong to it (its archived epochs).
  inbox.flush();
  if (!run) useStore.getState().setQueue([]);
  const config = run?.config ?? useStore.getState().config;
  useStore.getState().beginRun(run);
  postStart(config, stopAt);
}

function postStart(config: ExperimentConfig, stopAt: StopAt | null, resume?: Checkpoint): void {
  activeRun = ++runCounter;
  ensureWorker().postMessage({
    type: 'start',
    config: trainingPart(config),
    baseUrl: new URL(import.meta.env.BASE_URL, window.location.href).href,
    run: activeRun,
    stopAt,
    resume,
  } satisfies ToWorker);
}

/** Continues the run a reload interrupted from its last epoch checkpoint, kept in the browser. */
export function resumeSavedRun(): void {
  inbox.flush();
  const saved = takeResumable();
  if (saved) postStart(saved.config, null, saved.checkpoint);
}

/** Trains until the current epoch ends (or the next mask update), then pauses. */
export function stepRun(until: StopAt): void {
  const { status } = useStore.getState();
  if (status === 'paused') {
    useStore.getState().setStatus('running');
    send({ type: 'resume', stopAt: until });
  } else if (status === 'idle' || status === 'done' || status === 'error') {
    startRun(until);
  }
}

/** Hands the worker the CIFAR-10 tarball the person chose (file picker or drop). */
export function sendCifarFile(file: File): void {
  send({ type: 'cifarFile', file });
}

export function pauseRun(): void {
  send({ type: 'pause' });
}

export function resumeRun(): void {
  useStore.getState().setStatus('running');
  send({ type: 'resume', stopAt: null });
}

function stopRun(): void {
  worker?.terminate();
  worker = null;
  activeRun = 0;
}

/** Stops the run (the worker frees its device) and clears every chart; the configuration stays. */
export function resetRun(): void {
  inbox.flush();
  activeRun = 0;
  useStore.getState().setQueue([]);
  send({ type: 'reset' });
  useStore.getState().clearRun();
}

/** Tells a headless driver which parameters were refused, before anything runs. */
export function announceConfig(): void {
  const { config, rejected } = useStore.getState();
  forward({ type: 'config', config, rejected });
}

/** The address of this page without its query: what links and exports are made from. */
export const pageBase = () => `${window.location.origin}${window.location.pathname}`;

/**
 * Saves the shown run as its run record (JSON, docs/run-record.schema.json) or the record's
 * flat view (CSV: one row per epoch, the configuration beside it).
 */
export function exportRun(format: 'csv' | 'json'): void {
  const s = useStore.getState();
  const config = s.runConfig ?? s.config;
  const record = shownRunRecord(s, pageBase(), navigator.userAgent);
  const body = format === 'csv' ? recordCsv(record) : JSON.stringify(record, null, 2);
  download(textFile(body, format), runFileName(config, format));
}

const textFile = (body: string, format: 'csv' | 'json') =>
  new Blob([body], { type: format === 'csv' ? 'text/csv' : 'application/json' });

/** Hands the browser a file to save. */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * Runs a comparison: its first run now, the others each when the previous finishes. The
 * settings and the address bar stay the person's own.
 */
function startComparison(...args: Parameters<typeof newComparison>): void {
  const comparison = newComparison(...args);
  if (comparison.runs.length === 0) return;
  useStore.getState().beginComparison(comparison);
  startRun(null, { config: comparison.runs[0], index: 0 });
}

/** Runs a preset, full (the data and epochs that show its point) or quick. */
export function runPreset(id: string, quick = false): void {
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset) return;
  const base = useStore.getState().config;
  const note = quick ? quickNote(preset, base) : preset.demonstrates;
  const title = quick ? `${preset.title} (quick)` : preset.title;
  startComparison(title, note, base, presetRuns(preset, base, quick));
}

/** Runs the comparison the link holds (`compare=`), as variations of the settings. */
export function runLinkedComparison(): void {
  const { config } = useStore.getState();
  const base = { ...config, compare: '' };
  startComparison('The comparison of this link', '', base, expandCompare(base, config.compare));
}

/** What a page opened with autorun=1 starts: the link's comparison if it holds one. */
export function autostart(): void {
  if (useStore.getState().config.compare) runLinkedComparison();
  else startRun();
}

function startQueued(): void {
  const { queue, comparison } = useStore.getState();
  const [next, ...rest] = queue;
  if (!next || !comparison) return;
  useStore.getState().setQueue(rest);
  startRun(null, { config: next, index: comparison.runs.length - rest.length - 1 });
}

/** The link that replays the overlaid runs as a comparison of the settings on screen. */
export function comparedLink(): string | null {
  const query = selectComparedLink(useStore.getState());
  return query === null ? null : new URL(query, pageBase()).href;
}

/** Saves the overlaid runs (CSV: one row per run per epoch; JSON: every run's config too). */
export function exportComparison(format: 'csv' | 'json'): void {
  const runs = selectComparedRuns(useStore.getState());
  const body = format === 'csv' ? compareCsv(runs) : compareJson(runs, comparedLink(), pageBase());
  download(textFile(body, format), `sparse-playground-comparison-${runs.length}-runs.${format}`);
}
