import { argmax } from '../engine/predict';
import type { Prediction } from '../worker/protocol';
import type { AppState } from './store';

/**
 * "Try the network": a drawn digit or a test image, classified by the paused or finished
 * network in the worker. The store holds the request in flight and the last answer; the
 * figures the panel draws are computed here.
 */
export interface TryState {
  /** The request awaiting its answer; answers to older ones are dropped. */
  pending: number | null;
  /** The 28x28 image the last drawing became (what the network is shown). */
  drawn: Uint8Array | null;
  /** What was asked last. */
  source: 'drawing' | 'test' | null;
  result: Prediction | null;
  /** Why there is no answer: nothing drawn, or the worker's refusal. */
  message: string | null;
}

export interface TrySlice {
  tryNet: TryState;
}

/** No request, no answer (a new run starts here: the old network's answers are gone). */
export const emptyTry = (): TrySlice => ({
  tryNet: { pending: null, drawn: null, source: null, result: null, message: null },
});

/** The worker's answer, unless a newer request replaced the one it answers. */
export function receivePrediction(
  s: AppState,
  m: { id: number; prediction: Prediction | null; refused: string | null },
): Partial<AppState> {
  if (m.id !== s.tryNet.pending) return {};
  return {
    tryNet: {
      ...s.tryNet,
      pending: null,
      result: m.prediction,
      message: m.refused,
    },
  };
}

/** The answer as the panel shows it. */
export interface TryAnswer {
  source: 'drawing' | 'test';
  /** The training steps behind the weights that answered. */
  step: number;
  bars: { name: string; p: number; percent: string; top: boolean }[];
  predicted: string;
  confidence: string;
  /** For a test image: which, its true label, whether the network got it right, its bytes. */
  test: {
    index: number;
    count: number;
    label: string;
    correct: boolean;
    image: { height: number; width: number; channels: number; pixels: Uint8Array };
  } | null;
}

export interface TryFigures {
  /** Only a paused or finished run answers (with the weights of that moment). */
  allowed: boolean;
  /** Why not, when not allowed. */
  note: string | null;
  /** Drawing is for MNIST networks only. */
  canDraw: boolean;
  pending: boolean;
  message: string | null;
  drawn: Uint8Array | null;
  answer: TryAnswer | null;
}

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

function noteFor(status: AppState['status']): string | null {
  switch (status) {
    case 'paused':
    case 'done':
      return null;
    case 'running':
      return 'Pause to try the network: it answers with the weights of the moment it stops.';
    case 'error':
      return 'The run stopped with an error: start a new one to try the network.';
    default:
      return 'Train a network first: press Start, then pause it or let it finish.';
  }
}

function answerOf(t: TryState): TryAnswer | null {
  const r = t.result;
  if (!r) return null;
  const top = argmax(r.probabilities);
  const name = (i: number) => r.classNames[i] ?? String(i);
  return {
    source: r.test ? 'test' : 'drawing',
    step: r.globalStep,
    bars: r.probabilities.map((p, i) => ({
      name: name(i),
      p,
      percent: percent(p),
      top: i === top,
    })),
    predicted: name(top),
    confidence: percent(r.probabilities[top]),
    test: r.test && {
      index: r.test.index,
      count: r.test.count,
      label: name(r.test.label),
      correct: r.test.label === top,
      image: r.test,
    },
  };
}

let memo: { t: TryState; status: AppState['status']; dataset: string | undefined } | null = null;
let memoFigures: TryFigures | null = null;

/** What the "Try the network" panel shows, memoized. */
export function selectTry(s: AppState): TryFigures {
  const dataset = s.runConfig?.dataset;
  if (memo && memo.t === s.tryNet && memo.status === s.status && memo.dataset === dataset)
    return memoFigures!;
  memo = { t: s.tryNet, status: s.status, dataset };
  const note = noteFor(s.status);
  memoFigures = {
    allowed: note === null,
    note,
    canDraw: (dataset ?? s.config.dataset) === 'mnist',
    pending: s.tryNet.pending !== null,
    message: s.tryNet.message,
    drawn: s.tryNet.source === 'drawing' ? s.tryNet.drawn : null,
    answer: answerOf(s.tryNet),
  };
  return memoFigures;
}
