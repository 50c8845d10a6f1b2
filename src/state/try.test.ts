import { beforeEach, describe, expect, it } from 'vitest';
import type { Prediction } from '../worker/protocol';
import { applyWorkerMessages } from './inbox';
import { useStore } from './store';
import { selectTry } from './try';

const state = () => useStore.getState();

const prediction = (probabilities: number[], label: number | null): Prediction => ({
  globalStep: 60,
  probabilities,
  classNames: ['0', '1', '2', '3'],
  test:
    label === null
      ? null
      : {
          index: 7,
          count: 100,
          label,
          height: 2,
          width: 2,
          channels: 1,
          pixels: new Uint8Array(4),
        },
});

/** The worker's answer to request `id`, as the store receives it. */
const answer = (id: number, p: Prediction | null, refused: string | null = null) =>
  applyWorkerMessages([{ type: 'prediction', id, prediction: p, refused, run: 1 }], 1);

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  state().loadFromUrl('hidden=16&epochs=1');
});

describe('trying the network: the store and the panel figures', () => {
  it('is allowed only when paused or done, and says what to do otherwise', () => {
    for (const [status, allowed, says] of [
      ['idle', false, /Train a network first/],
      ['loading', false, /Train a network first/],
      ['running', false, /^Pause to try the network/],
      ['error', false, /start a new one/],
      ['paused', true, null],
      ['done', true, null],
    ] as const) {
      state().setStatus(status);
      const f = selectTry(state());
      expect(f.allowed).toBe(allowed);
      if (says) expect(f.note).toMatch(says);
      else expect(f.note).toBeNull();
    }
  });

  it('shows the answer to the request in flight: bars, the top class, a test image right or wrong', () => {
    state().beginRun();
    state().setStatus('done');
    useStore.setState({ tryNet: { ...state().tryNet, pending: 3, source: 'test' } });
    expect(selectTry(state()).pending).toBe(true);
    answer(3, prediction([0.1, 0.6, 0.2, 0.1], 2));
    const f = selectTry(state());
    expect(f.pending).toBe(false);
    expect(f.answer).toMatchObject({
      source: 'test',
      step: 60,
      predicted: '1',
      confidence: '60.0%',
      test: { index: 7, label: '2', correct: false },
    });
    expect(f.answer!.bars.map((b) => [b.name, b.percent, b.top])).toEqual([
      ['0', '10.0%', false],
      ['1', '60.0%', true],
      ['2', '20.0%', false],
      ['3', '10.0%', false],
    ]);
    expect(f.canDraw).toBe(true);
  });

  it('drops an answer to a replaced request, keeps a refusal as the message, and a new run forgets it all', () => {
    state().beginRun();
    useStore.setState({ tryNet: { ...state().tryNet, pending: 5, source: 'drawing' } });
    answer(4, prediction([1, 0, 0, 0], null));
    expect(selectTry(state()).answer).toBeNull();
    answer(
      5,
      null,
      'Pause to try the network: it answers with the weights of the moment it stops.',
    );
    expect(selectTry(state())).toMatchObject({ pending: false, answer: null, message: /^Pause/ });
    useStore.setState({ tryNet: { ...state().tryNet, pending: 6 } });
    answer(6, prediction([0, 0, 0.3, 0.7], null));
    expect(selectTry(state()).answer).toMatchObject({
      source: 'drawing',
      predicted: '3',
      test: null,
    });
    state().beginRun();
    expect(selectTry(state())).toMatchObject({ pending: false, answer: null, message: null });
  });

  it('offers drawing only for MNIST', () => {
    state().loadFromUrl('dataset=cifar10&model=vgg');
    state().beginRun();
    expect(selectTry(state()).canDraw).toBe(false);
  });
});
