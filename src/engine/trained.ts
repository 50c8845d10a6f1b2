import type { ImageDataset } from '../data/dataset';
import { expandMask } from '../sparse/blocks';
import type { Backend } from './backend';
import type { LayerSpec, ModelName, Shape } from './model';
import type { ParamStore } from './params';

/**
 * The trained network as plain arrays, everything an exporter needs to rebuild its inference
 * forward pass outside the app: the layers, the dense weights with their masks, the BatchNorm
 * parameters and running statistics, and the input normalisation the gather kernel applies.
 * It crosses from the worker to the page (structured clone), so it holds data only.
 */
export interface TrainedNetwork {
  model: ModelName;
  layers: LayerSpec[];
  /** One image (NHWC in the app; an exporter presents it as it likes). */
  input: Shape;
  classNames: string[];
  /** The test set's per-channel normalisation, (x/255 - mean[c]) / std[c] (see ImageDataset). */
  mean: number[];
  std: number[];
  /**
   * Per weight layer, in model order: weights dense [out][in] as the app stores them (a conv's
   * `in` is [ky][kx][in channels]), missing ones 0; the element mask (1: a trained weight), or
   * null when the run is dense; the bias.
   */
  weights: { name: string; w: Float32Array; b: Float32Array; mask: Uint8Array | null }[];
  /** Per BatchNorm layer: [gamma, beta] and the running [mean, variance], channel by channel. */
  norms: { name: string; gb: Float32Array; running: Float32Array }[];
  /** How much training the weights have seen. */
  epoch: number;
  globalStep: number;
}

/** Reads the network off the device: weights dense whatever their storage, masks per element. */
export async function readTrained(
  dev: Backend,
  store: ParamStore,
  run: {
    model: ModelName;
    layers: LayerSpec[];
    test: ImageDataset;
    epoch: number;
    globalStep: number;
  },
): Promise<TrainedNetwork> {
  const f32 = async (t: Parameters<Backend['read']>[0]) => (await dev.read(t)) as Float32Array;
  const { test } = run;
  return {
    model: run.model,
    layers: run.layers,
    input: { height: test.height, width: test.width, channels: test.channels },
    classNames: test.classNames.slice(),
    mean: test.mean.slice(),
    std: test.std.slice(),
    weights: await Promise.all(
      store.params.map(async (p) => ({
        name: p.spec.name,
        w: (await store.readDense(p)).w,
        b: await f32(store.tensor(p, 'b')),
        mask: p.unitMask ? expandMask(p.unitMask, p.grid) : null,
      })),
    ),
    norms: await Promise.all(
      store.norms.map(async (n) => ({
        name: n.name,
        gb: await f32(store.norm(n, 'gb')),
        running: await f32(store.norm(n, 'running')),
      })),
    ),
    epoch: run.epoch,
    globalStep: run.globalStep,
  };
}
