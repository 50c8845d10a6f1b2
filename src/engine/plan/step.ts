import type { ImageDataset } from '../../data/dataset';
import { size, type BatchNormSpec, type LayerSpec } from '../model';
import { builderOf, StepBuilder, type WeightLayer } from './layers';
import { fusePlan } from './fuse';
import { optimizerOps, type Hyper } from './optimizer';
import { accumName, CONFUSION, CURSOR, dataName } from './state';
import type { StepPlan } from './types';

/** What a step is planned from: the model, each weight layer's storage, data and SGD. */
export interface StepModel {
  layers: LayerSpec[];
  /** The weight layers in model order. */
  weights: WeightLayer[];
  train: ImageDataset;
  test: ImageDataset;
  augment: boolean;
  hyper: Hyper;
}

/**
 * The ops of one step on `batch` samples: gather the batch, the forward pass, the loss and
 * metric sums, and for training the backward pass and the parameter updates. `denseGrad` adds
 * the dense weight gradient of sparse layers (gradient growth, at its update steps).
 */
export function planStep(
  m: StepModel,
  batch: number,
  training: boolean,
  denseGrad = false,
  /** Fuses neighbouring ops (`fusePlan`); off only to check fusion changes nothing. */
  fuse = true,
): StepPlan {
  const b = builderFor(m, batch, training, denseGrad);
  const split = training ? 'train' : 'test';
  const ds = training ? m.train : m.test;
  const { acts, widths, labels } = forwardPass(b, m, ds, {
    data: dataName(split, 'images'),
    labels: dataName(split, 'labels'),
    order: dataName(split, 'order'),
    aug: training && m.augment ? dataName('train', 'aug') : null,
  });
  const last = acts.length - 1;
  const loss = b.tensor('loss', 'f32', batch, 'scratch');
  // Gradients of each activation: the input needs none (its slot is never written), a flatten
  // shares its gradient with its output, and evaluation needs only the logits' gradient.
  const grads: string[] = new Array<string>(acts.length);
  for (let i = last; i >= 0; i--) {
    if (i === 0) grads[i] = acts[0];
    else if (i < m.layers.length && m.layers[i].kind === 'flatten') grads[i] = grads[i + 1];
    else if (training || i === last)
      grads[i] = b.tensor(
        `${m.layers[i - 1].name}.dy`,
        'f32',
        batch * widths[i],
        'activation gradient',
      );
    else grads[i] = acts[0];
  }
  const classes = ds.classes;
  const accum = accumName(training);
  // The loss kernel also adds the batch's metrics into accum (batchMetrics in the same pass).
  const logits = acts[last];
  b.op('softmaxXent', { logits, labels, loss, dlogits: grads[last], accum, batch, classes });
  if (!training)
    b.op('confusionCount', { logits: acts[last], labels, confusion: CONFUSION, batch, classes });
  if (training) {
    for (let i = m.layers.length - 1; i >= 0; i--) {
      const layer = m.layers[i];
      builderOf(layer).backward(b, layer, {
        x: acts[i],
        width: widths[i],
        y: acts[i + 1],
        dy: grads[i + 1],
        dx: grads[i],
        first: i === 0,
      });
    }
    const norms = m.layers.filter((l): l is BatchNormSpec => l.kind === 'batchnorm');
    optimizerOps(b, m.weights, norms, m.hyper);
  }
  const inputs = m.layers.flatMap((l, i) =>
    (l.kind === 'linear' || l.kind === 'conv') && i > 0 ? [{ name: l.name, tensor: acts[i] }] : [],
  );
  const plan = { batch, training, tensors: b.tensors, ops: b.ops, inputs, logits: acts[last] };
  return fuse ? fusePlan(plan) : plan;
}

function builderFor(m: StepModel, batch: number, training: boolean, denseGrad: boolean) {
  return new StepBuilder(
    batch,
    training,
    denseGrad,
    new Map(m.weights.map((w) => [w.spec.name, w])),
    m.layers[0].name,
  );
}

/** Where a step gathers its batch from: a dataset's images, labels and sample order. */
interface BatchSource {
  data: string;
  labels: string;
  order: string;
  aug: string | null;
}

/**
 * Gathers the batch (normalised with `ds`'s mean and std) and adds every layer's forward ops:
 * the activations after each layer, their per-sample widths, and the batch's labels.
 */
function forwardPass(
  b: StepBuilder,
  m: StepModel,
  ds: ImageDataset,
  from: BatchSource,
): { acts: string[]; widths: number[]; labels: string } {
  const batch = b.batch;
  const acts = [b.tensor('input', 'f32', batch * ds.features, 'input')];
  const widths = [ds.features];
  const labels = b.tensor('labels', 'u32', batch, 'input');
  b.op('gatherBatch', {
    ...from,
    cursor: CURSOR,
    x: acts[0],
    y: labels,
    batch,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    mean: ds.mean,
    std: ds.std,
  });
  for (const layer of m.layers) {
    const { y, width } = builderOf(layer).forward(
      b,
      layer,
      acts[acts.length - 1],
      widths[widths.length - 1],
    );
    acts.push(y);
    widths.push(width);
  }
  return { acts, widths, labels };
}

/**
 * The images a person asks the network about (a drawn digit, a picked test image): bytes laid
 * out like the test set's, owned by the predict step, in order from the first.
 */
export const PROBE = {
  images: 'probe.images',
  labels: 'probe.labels',
  order: 'probe.order',
} as const;

/**
 * The evaluation forward pass on `batch` probe images, nothing after the logits: the same
 * gather (the test set's normalisation) and layer ops as the test evaluation, so a drawn
 * digit meets exactly the network the test accuracy measures.
 */
export function planPredict(m: StepModel, batch: number): StepPlan {
  const b = builderFor(m, batch, false, false);
  const ds = m.test;
  b.tensor(PROBE.images, 'u32', Math.ceil((batch * ds.features) / 4), 'input');
  b.tensor(PROBE.labels, 'u32', batch, 'input');
  b.tensor(PROBE.order, 'u32', batch, 'input');
  const { acts } = forwardPass(b, m, ds, {
    data: PROBE.images,
    labels: PROBE.labels,
    order: PROBE.order,
    aug: null,
  });
  return fusePlan({
    batch,
    training: false,
    tensors: b.tensors,
    ops: b.ops,
    inputs: [],
    logits: acts[acts.length - 1],
  });
}

/**
 * Samples per evaluation batch: up to 1000, fewer when a layer's per-sample buffers are
 * large (a conv layer's unfolded patches), so no buffer grows past ~32 MB.
 */
export function evalBatchSize(layers: LayerSpec[], inputFeatures: number): number {
  let perSample = inputFeatures;
  for (const l of layers) {
    if (l.kind === 'conv') {
      const patches = l.outShape.height * l.outShape.width * l.inFeatures;
      perSample = Math.max(perSample, size(l.outShape), patches);
    }
    if (l.kind === 'linear') perSample = Math.max(perSample, l.outFeatures);
  }
  const fit = Math.floor((32 * 2 ** 20) / 4 / perSample);
  return Math.max(1, Math.min(1000, fit >= 100 ? fit - (fit % 50) : fit));
}

/**
 * How many test images the quick evaluation reads: about 1,000, in whole evaluation batches so
 * it reuses the full evaluation's step plans and allocates nothing (all of a small test set).
 */
export function subsetSize(count: number, evalBatch: number): number {
  if (count <= evalBatch) return count;
  const chunks = Math.max(1, Math.round(1000 / evalBatch));
  return Math.min(Math.floor(count / evalBatch), chunks) * evalBatch;
}

/** The batch sizes steps over `count` samples take: full batches, then any remainder. */
export function batchSizes(count: number, batch: number): number[] {
  const full = Math.min(batch, count);
  const rest = count % batch;
  return rest > 0 && rest !== full ? [full, rest] : [full];
}
