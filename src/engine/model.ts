/** A model is a list of layers; the trainer and both backends read only this description. */
export type LayerSpec =
  | { kind: 'linear'; name: string; inFeatures: number; outFeatures: number }
  | { kind: 'relu'; name: string };

export type LinearSpec = Extract<LayerSpec, { kind: 'linear' }>;

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

export function linearLayers(layers: LayerSpec[]): LinearSpec[] {
  return layers.filter((l): l is LinearSpec => l.kind === 'linear');
}

export function weightCount(layers: LayerSpec[]): number {
  return linearLayers(layers).reduce((n, l) => n + l.inFeatures * l.outFeatures, 0);
}
