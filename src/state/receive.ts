import type { FromWorker } from '../worker/protocol';
import type { AppState } from './store';
import { receivePrediction } from './try';

/** Adds one item to a list of the state and returns the list the state should hold. */
type Append = <T>(list: T[], item: T) => T[];

/** What the store must do when a run finishes: put it in the history (`archive` in store.ts). */
export type ArchiveFinished = (s: AppState) => Partial<AppState>;

/**
 * The change one worker message makes to the state, as a pure function of the state before it.
 * `append` decides how lists grow: a copy per message for a lone message, in place on a copy
 * made once per batch for `receiveBatch`.
 */
function change(
  s: AppState,
  m: FromWorker,
  append: Append,
  archiveFinished: ArchiveFinished,
): Partial<AppState> {
  switch (m.type) {
    case 'data':
      return {
        data: { file: m.file, loaded: m.loaded, total: m.total, phase: m.phase },
        needCifar: null,
      };
    case 'needCifar':
      return { needCifar: { problem: m.problem }, data: null };
    case 'samples':
      return { samples: m.samples };
    case 'ready':
      return {
        status: 'running',
        backend: m.backend,
        adapter: m.adapter,
        adapterInfo: m.adapterInfo,
        notice: m.notice,
        initialLayers: m.layers,
        data: null,
      };
    case 'progress': {
      const { type: _t, ...p } = m;
      void _t;
      return {
        progress: p,
        steps: append(s.steps, {
          globalStep: p.globalStep,
          epoch: p.epoch,
          trainLoss: p.trainLoss,
          samplesPerSec: p.samplesPerSec,
        }),
      };
    }
    case 'epoch':
      return { epochs: append(s.epochs, m.metrics), gpuMemory: m.gpu ?? s.gpuMemory };
    case 'reset':
      return { gpuMemory: m.gpu };
    case 'masks':
      return { masks: m.view };
    case 'maskUpdate':
      return { maskUpdates: append(s.maskUpdates, m.update) };
    case 'subsetEval': {
      const { type: _t, ...e } = m;
      void _t;
      return { subsetEvals: append(s.subsetEvals, e) };
    }
    case 'prediction':
      return receivePrediction(s, m);
    case 'paused':
      return { status: 'paused' };
    case 'done':
      return { status: 'done', ...archiveFinished(s) };
    case 'error':
      return { status: 'error', error: m.message };
    case 'crashed':
      return { status: 'error', error: m.message, crashed: true };
    case 'recovered':
      // The epochs up to the checkpoint stand; what came after it is trained again.
      return {
        notice: m.message,
        steps: s.steps.filter((p) => p.epoch <= m.epoch),
        subsetEvals: s.subsetEvals.filter(
          (e) => e.globalStep <= m.epoch * (s.progress?.stepsPerEpoch ?? 0),
        ),
        maskUpdates: s.maskUpdates.filter((u) => u.epoch <= m.epoch),
        epochs: s.epochs.filter((e) => e.epoch <= m.epoch),
      };
  }
}

const copyAppend: Append = (list, item) => [...list, item];

/** The change one message makes (a new list for each list it grows). */
export function receiveOne(
  s: AppState,
  m: FromWorker,
  archiveFinished: ArchiveFinished,
): Partial<AppState> {
  return change(s, m, copyAppend, archiveFinished);
}

/**
 * The change a batch of messages makes, exactly as if each were received in turn, for one
 * store update (one render) per batch. A list is copied once per batch however many items
 * the batch adds to it (a mask update every step would otherwise copy the list per update,
 * quadratic over the run); the state the caller passed is never mutated.
 */
export function receiveBatch(
  s: AppState,
  messages: readonly FromWorker[],
  archiveFinished: ArchiveFinished,
): Partial<AppState> {
  const owned = new Set<unknown[]>();
  const append: Append = (list, item) => {
    if (owned.has(list)) {
      list.push(item);
      return list;
    }
    const copy = [...list, item];
    owned.add(copy);
    return copy;
  };
  const draft: AppState = { ...s };
  const changed: Partial<AppState> = {};
  for (const m of messages) {
    const patch = change(draft, m, append, archiveFinished);
    Object.assign(draft, patch);
    Object.assign(changed, patch);
    // The history now holds the run's lists: later messages must not grow them in place.
    if (m.type === 'done') owned.clear();
  }
  return changed;
}
