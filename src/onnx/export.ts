import type { onnx as P } from 'onnx-proto';
import { weightLayers, type ConvSpec, type LayerSpec } from '../engine/model';
import { BN_EPS } from '../engine/plan/layers';
import type { TrainedNetwork } from '../engine/trained';
import { floatInfo, GraphBuilder, onnx } from './graph';
import { maskBits } from './masks';

/**
 * The trained network as an ONNX model: input `pixels` [N, C, H, W] (NCHW, floats in [0, 1]),
 * the app's per-channel normalisation inside the graph, output `logits` [N, classes]. Weights
 * are dense initializers with missing ones exactly 0; the masks and the run's summary travel
 * in the model's metadata, so a user can tell a pruned weight from a trained zero.
 */

export const OPSET = 13;
/** IR version 7 is what opset 13 shipped with (ONNX 1.8); every current runtime reads it. */
const IR_VERSION = 7;
export const INPUT = 'pixels';
export const OUTPUT = 'logits';
/** Metadata keys this exporter writes itself; a caller's summary may not reuse them. */
export const META = {
  format: 'sparse_playground.format',
  model: 'sparse_playground.model',
  normalization: 'sparse_playground.normalization',
  classNames: 'sparse_playground.class_names',
  masks: 'sparse_playground.masks',
  maskPrefix: 'sparse_playground.mask.',
  epoch: 'sparse_playground.epoch',
  globalStep: 'sparse_playground.global_step',
} as const;

const MASK_FORMAT =
  'base64 of a bitset: bit i (byte floor(i/8), least significant bit first) is 1 where element ' +
  'i of the named initializer (row-major) is a trained weight, 0 where it is pruned (and 0)';

/** A conv's weights from the app's [out][ky][kx][in] to ONNX's [out][in][ky][kx] order. */
export function convToOihw<T extends Float32Array | Uint8Array>(values: T, l: ConvSpec): T {
  const k = l.kernel;
  const c = l.inShape.channels;
  const out = new (values.constructor as { new (n: number): T })(values.length);
  for (let o = 0; o < l.outFeatures; o++)
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++)
        for (let ci = 0; ci < c; ci++)
          out[((o * c + ci) * k + ky) * k + kx] = values[o * k * k * c + (ky * k + kx) * c + ci];
  return out;
}

/** Checks the arrays fit the layers, so a damaged message fails with a reason, not garbage. */
function check(net: TrainedNetwork): void {
  const specs = weightLayers(net.layers);
  const norms = net.layers.filter((l) => l.kind === 'batchnorm');
  if (specs.length !== net.weights.length || norms.length !== net.norms.length)
    throw new Error('the trained network does not match its layers');
  specs.forEach((s, i) => {
    const p = net.weights[i];
    const n = s.inFeatures * s.outFeatures;
    if (p.name !== s.name || p.w.length !== n || p.b.length !== s.outFeatures)
      throw new Error(`${s.name}: its weights do not fit a ${s.outFeatures}x${s.inFeatures} layer`);
    if (p.mask && p.mask.length !== n) throw new Error(`${s.name}: its mask has the wrong size`);
  });
  norms.forEach((l, i) => {
    const c = l.shape.channels;
    const n = net.norms[i];
    if (n.name !== l.name || n.gb.length !== 2 * c || n.running.length !== 2 * c)
      throw new Error(`${l.name}: its state does not fit ${c} channels`);
  });
  const { channels } = net.input;
  if (net.mean.length !== channels || net.std.length !== channels)
    throw new Error(`the normalisation has not one mean and std per channel (${channels})`);
}

/** Adds the nodes of every layer after the normalised input; returns the masks' metadata. */
function addLayers(g: GraphBuilder, net: TrainedNetwork, input: string): Record<string, string> {
  const masks: Record<string, string> = {};
  const weights = new Map(net.weights.map((w) => [w.name, w]));
  const norms = new Map(net.norms.map((n) => [n.name, n]));
  let x = input;
  /** Channels of the NCHW activation, or null once it is flat. */
  let channels: number | null = net.input.channels;
  const last = net.layers.length - 1;
  const flatten = () => {
    if (channels === null) return;
    // The app's activations are NHWC: the first Linear reads them flattened in that order.
    if (channels > 1) x = g.node('Transpose', [x], { perm: [0, 2, 3, 1] });
    x = g.node('Flatten', [x], { axis: 1 });
    channels = null;
  };
  net.layers.forEach((l: LayerSpec, i) => {
    const out = i === last ? OUTPUT : undefined;
    switch (l.kind) {
      case 'conv': {
        const p = weights.get(l.name)!;
        const dims = [l.outFeatures, l.inShape.channels, l.kernel, l.kernel];
        const w = g.constant(`${l.name}.weight`, dims, convToOihw(p.w, l));
        const b = g.constant(`${l.name}.bias`, [l.outFeatures], p.b);
        if (p.mask) masks[META.maskPrefix + w] = maskBits(convToOihw(p.mask, l));
        const attrs = {
          kernel_shape: [l.kernel, l.kernel],
          strides: [l.stride, l.stride],
          pads: [l.pad, l.pad, l.pad, l.pad],
        };
        x = g.node('Conv', [x, w, b], attrs, out);
        channels = l.outFeatures;
        return;
      }
      case 'linear': {
        flatten();
        const p = weights.get(l.name)!;
        const w = g.constant(`${l.name}.weight`, [l.outFeatures, l.inFeatures], p.w);
        const b = g.constant(`${l.name}.bias`, [l.outFeatures], p.b);
        if (p.mask) masks[META.maskPrefix + w] = maskBits(p.mask);
        x = g.node('Gemm', [x, w, b], { transB: 1 }, out);
        return;
      }
      case 'batchnorm': {
        const n = norms.get(l.name)!;
        const c = l.shape.channels;
        const part = (a: Float32Array, k: number) => a.subarray(k * c, (k + 1) * c);
        const inputs = [
          x,
          g.constant(`${l.name}.scale`, [c], part(n.gb, 0)),
          g.constant(`${l.name}.bias`, [c], part(n.gb, 1)),
          g.constant(`${l.name}.running_mean`, [c], part(n.running, 0)),
          g.constant(`${l.name}.running_var`, [c], part(n.running, 1)),
        ];
        x = g.node('BatchNormalization', inputs, { epsilon: { float: BN_EPS } }, out);
        return;
      }
      case 'maxpool':
        x = g.node(
          'MaxPool',
          [x],
          { kernel_shape: [l.kernel, l.kernel], strides: [l.stride, l.stride] },
          out,
        );
        return;
      case 'relu':
        x = g.node('Relu', [x], {}, out);
        return;
      case 'flatten':
        flatten();
        return;
    }
  });
  return masks;
}

/**
 * Encodes the network as ONNX model bytes. `summary` (the run's link, test accuracy, density,
 * app version…) goes into the metadata as given, beside the exporter's own keys.
 */
export function exportOnnx(net: TrainedNetwork, summary: Record<string, string>): Uint8Array {
  check(net);
  const taken = Object.keys(summary).find((k) => k.startsWith('sparse_playground.'));
  if (taken) throw new Error(`the summary may not set ${taken}: the exporter writes it`);
  const last = net.layers[net.layers.length - 1];
  if (last?.kind !== 'linear') throw new Error('the network does not end in a linear layer');
  const { height, width, channels } = net.input;
  const g = new GraphBuilder();
  // (x - mean) / std per channel, as the app's gather kernel does on x = byte / 255.
  const perChannel = (values: number[]) => Float32Array.from(values);
  const mean = g.constant('input.mean', [1, channels, 1, 1], perChannel(net.mean));
  const std = g.constant('input.std', [1, channels, 1, 1], perChannel(net.std));
  const normalised = g.node('Div', [g.node('Sub', [INPUT, mean]), std]);
  const masks = addLayers(g, net, normalised);
  const dense = net.weights.every((w) => w.mask === null);
  const metadata: Record<string, string> = {
    ...summary,
    [META.format]: 'sparse-playground ONNX export 1',
    [META.model]: net.model,
    [META.normalization]: JSON.stringify({
      input: 'pixels / 255, NCHW',
      mean: net.mean,
      std: net.std,
    }),
    [META.classNames]: JSON.stringify(net.classNames),
    [META.masks]: dense ? 'none: the run is dense, every weight is trained' : MASK_FORMAT,
    ...masks,
    [META.epoch]: String(net.epoch),
    [META.globalStep]: String(net.globalStep),
  };
  const classes = last.outFeatures;
  const model: P.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'sparse-playground',
    producerVersion: summary.appVersion ?? '',
    docString:
      `${net.model} trained in Sparse Playground: input ${INPUT} [N, ${channels}, ${height}, ` +
      `${width}] floats in [0, 1] (normalised inside), output ${OUTPUT} [N, ${classes}].`,
    graph: {
      name: `sparse_playground_${net.model}`,
      node: g.nodes,
      initializer: g.initializers,
      input: [floatInfo(INPUT, ['N', channels, height, width])],
      output: [floatInfo(OUTPUT, ['N', classes])],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(model).finish();
}
