/** An activation's shape per sample; activations are stored NHWC (channels last). */
export interface Shape {
  height: number;
  width: number;
  channels: number;
}

/** A layer with a weight matrix [outFeatures][inFeatures] that sparse training masks. */
export interface LinearSpec {
  kind: 'linear';
  name: string;
  inFeatures: number;
  outFeatures: number;
}

/**
 * A 2-D convolution; its weights are stored [out channels][ky][kx][in channels], so as a
 * matrix it is [outFeatures = out channels][inFeatures = k·k·in channels].
 */
export interface ConvSpec {
  kind: 'conv';
  name: string;
  inShape: Shape;
  outShape: Shape;
  kernel: number;
  stride: number;
  pad: number;
  inFeatures: number;
  outFeatures: number;
}

export interface MaxPoolSpec {
  kind: 'maxpool';
  name: string;
  inShape: Shape;
  outShape: Shape;
  kernel: number;
  stride: number;
}

/** Per-channel BatchNorm; its scale and shift are dense parameters, never masked. */
export interface BatchNormSpec {
  kind: 'batchnorm';
  name: string;
  shape: Shape;
}

/** A model is a list of layers; the trainer and both backends read only this description. */
export type LayerSpec =
  | LinearSpec
  | ConvSpec
  | MaxPoolSpec
  | BatchNormSpec
  | { kind: 'relu'; name: string }
  | { kind: 'flatten'; name: string };

export type WeightSpec = LinearSpec | ConvSpec;
export type ModelName = 'mlp' | 'lenet5' | 'vgg';

export const size = (s: Shape): number => s.height * s.width * s.channels;

/** The MLP of the URL's `hidden` list: Linear/ReLU pairs, then a linear classifier. */
export function buildMlp(inputSize: number, hidden: number[], classes: number): LayerSpec[] {
  const layers: LayerSpec[] = [];
  let width = inputSize;
  hidden.forEach((h, i) => {
    layers.push({ kind: 'linear', name: `fc${i + 1}`, inFeatures: width, outFeatures: h });
    layers.push({ kind: 'relu', name: `relu${i + 1}` });
    width = h;
  });
  layers.push({
    kind: 'linear',
    name: `fc${hidden.length + 1}`,
    inFeatures: width,
    outFeatures: classes,
  });
  return layers;
}

/** Builds layer specs while tracking the activation shape, so every size is derived once. */
class Builder {
  readonly layers: LayerSpec[] = [];
  private convs = 0;
  private pools = 0;
  private fcs = 0;
  private flat = 0;

  constructor(private shape: Shape) {}

  conv(out: number, kernel: number, pad: number, stride = 1): this {
    const inShape = this.shape;
    const outShape = {
      height: Math.floor((inShape.height + 2 * pad - kernel) / stride) + 1,
      width: Math.floor((inShape.width + 2 * pad - kernel) / stride) + 1,
      channels: out,
    };
    if (outShape.height < 1 || outShape.width < 1)
      throw new Error(
        `conv${this.convs + 1}: the input is smaller than its ${kernel}x${kernel} kernel`,
      );
    this.layers.push({
      kind: 'conv',
      name: `conv${++this.convs}`,
      inShape,
      outShape,
      kernel,
      stride,
      pad,
      inFeatures: kernel * kernel * inShape.channels,
      outFeatures: out,
    });
    this.shape = outShape;
    return this;
  }

  batchNorm(): this {
    this.layers.push({ kind: 'batchnorm', name: `bn${this.convs}`, shape: this.shape });
    return this;
  }

  relu(): this {
    this.layers.push({ kind: 'relu', name: `relu${this.layers.length + 1}` });
    return this;
  }

  pool(kernel = 2, stride = 2): this {
    const inShape = this.shape;
    const outShape = {
      height: Math.floor((inShape.height - kernel) / stride) + 1,
      width: Math.floor((inShape.width - kernel) / stride) + 1,
      channels: inShape.channels,
    };
    if (outShape.height < 1 || outShape.width < 1)
      throw new Error(`pool${this.pools + 1}: the input is smaller than the pooling window`);
    this.layers.push({
      kind: 'maxpool',
      name: `pool${++this.pools}`,
      inShape,
      outShape,
      kernel,
      stride,
    });
    this.shape = outShape;
    return this;
  }

  linear(out: number): this {
    if (this.flat === 0) {
      this.layers.push({ kind: 'flatten', name: 'flatten' });
      this.flat = size(this.shape);
    }
    const inFeatures = this.flat;
    this.layers.push({ kind: 'linear', name: `fc${++this.fcs}`, inFeatures, outFeatures: out });
    this.flat = out;
    return this;
  }
}

/**
 * The networks of the URL's `model`:
 * - `mlp`: Linear/ReLU layers of `hidden` (LeNet-300-100 by default);
 * - `lenet5`: the reference's Caffe LeNet-5 (conv 5x5 20, pool 2, conv 5x5 50, pool 2,
 *   fc 500, fc classes), with ReLU after each conv and the hidden fc;
 * - `vgg`: a VGG-style net sized for a browser: three stages of conv 3x3 (16, 32, 64
 *   channels, padding 1) + BatchNorm + ReLU + max-pool 2, then fc 128 and fc classes.
 */
export function buildModel(
  model: ModelName,
  input: Shape,
  hidden: number[],
  classes: number,
): LayerSpec[] {
  if (model === 'mlp') return buildMlp(size(input), hidden, classes);
  const b = new Builder(input);
  if (model === 'lenet5') {
    b.conv(20, 5, 0).relu().pool().conv(50, 5, 0).relu().pool().linear(500).relu().linear(classes);
  } else {
    for (const channels of [16, 32, 64]) b.conv(channels, 3, 1).batchNorm().relu().pool();
    b.linear(128).relu().linear(classes);
  }
  return b.layers;
}

export function weightLayers(layers: LayerSpec[]): WeightSpec[] {
  return layers.filter((l): l is WeightSpec => l.kind === 'linear' || l.kind === 'conv');
}

export function weightCount(layers: LayerSpec[]): number {
  return weightLayers(layers).reduce((n, l) => n + l.inFeatures * l.outFeatures, 0);
}

/** Every trained value: weights, biases and BatchNorm scales and shifts. */
export function parameterCount(layers: LayerSpec[]): number {
  return layers.reduce((n, l) => {
    if (l.kind === 'linear' || l.kind === 'conv') return n + (l.inFeatures + 1) * l.outFeatures;
    if (l.kind === 'batchnorm') return n + 2 * l.shape.channels;
    return n;
  }, 0);
}
