import type { Trainer } from '../engine/trainer';
import type { Prediction, ToWorker } from './protocol';

/** A request to try the network: a drawn digit or a test image. */
export type PredictRequest = Extract<ToWorker, { type: 'predict' | 'predictTest' }>;

export const NO_NETWORK =
  'There is no network to try yet: start a run, then pause it or let it finish.';
export const PAUSE_FIRST =
  'Pause to try the network: it answers with the weights of the moment it stops.';

/** What a request that needs the paused network says when there is none, or it still trains. */
export interface Refusals {
  noNetwork: string;
  notPaused: string;
}
export const PREDICT_REFUSALS: Refusals = { noNetwork: NO_NETWORK, notPaused: PAUSE_FIRST };

/**
 * Answers one request with the trainer's evaluation forward pass on its own backend: a drawn
 * digit must be 28x28 grey like MNIST's images; a test image is the trainer's own (null: one
 * at random). Throws, saying why, when it cannot be answered.
 */
export async function answer(trainer: Trainer, m: PredictRequest): Promise<Prediction> {
  const test = trainer.test;
  let pixels: Uint8Array;
  let picked: Prediction['test'] = null;
  if (m.type === 'predict') {
    if (test.height !== 28 || test.width !== 28 || test.channels !== 1)
      throw new Error(
        `Drawing is for MNIST's 28x28 grey digits; this network sees ${test.height}x${test.width} ` +
          `${test.channels === 3 ? 'colour' : 'grey'} images: pick a test image instead.`,
      );
    if (m.pixels.length !== test.features)
      throw new Error(
        `A drawn digit is ${test.features} bytes (28x28); this one has ${m.pixels.length}.`,
      );
    pixels = m.pixels;
  } else {
    const index = m.index ?? Math.floor(Math.random() * test.count);
    if (!Number.isInteger(index) || index < 0 || index >= test.count)
      throw new Error(
        `There is no test image ${index}: the test set has ${test.count.toLocaleString('en-US')} ` +
          `images, numbered 0 to ${test.count - 1}.`,
      );
    pixels = test.pixels.slice(index * test.features, (index + 1) * test.features);
    const { height, width, channels } = test;
    picked = {
      index,
      count: test.count,
      label: test.labels[index],
      height,
      width,
      channels,
      pixels,
    };
  }
  const [probabilities] = await trainer.predict(pixels);
  if (!probabilities.every(Number.isFinite))
    throw new Error(
      "The network's output is not a number (training diverged): lower lr and train again.",
    );
  return {
    globalStep: trainer.globalStep,
    probabilities,
    classNames: test.classNames,
    test: picked,
  };
}
