import { describe, expect, it } from 'vitest';
import { initialLayerCounts } from '../engine/params';
import { buildModel } from '../engine/model';
import { resolveSparsity } from '../sparse/methods';
import { decode, rejectionMessage } from '../url/params';
import { decodeChecked, DATASET_SHAPES, emptyLayer, smallestDensity } from './validate';

const config = (query: string) => decode(query).config;

describe('emptyLayer', () => {
  it('agrees with the counts the trainer starts with', () => {
    // The defect: these links trained layers without a single weight.
    for (const query of ['density=5e-324', 'density=1e-9', 'hidden=1,1,1,1,1,1']) {
      const c = config(query);
      const { classes, ...input } = DATASET_SHAPES[c.dataset];
      const counts = initialLayerCounts(
        buildModel(c.model, input, c.hidden, classes),
        resolveSparsity(c),
      );
      expect(counts.some((n) => n === 0)).toBe(true);
      expect(emptyLayer(c)).not.toBeNull();
    }
    expect(emptyLayer(config('hidden=1,1,1,1,1,1'))).toEqual({ name: 'fc2', weights: 1 });
    expect(emptyLayer(config('density=1e-9'))).toEqual({ name: 'fc1', weights: 784 * 300 });
  });

  it('finds none where every layer starts with a weight', () => {
    for (const query of [
      '',
      'density=0.001',
      'hidden=1,1,1,1,1,1&density=1',
      'method=dense&density=1e-9',
      'method=set&density=1e-4',
      'model=lenet5&density=0.01',
      'model=vgg&dataset=cifar10&density=0.01',
    ])
      expect(emptyLayer(config(query)), query).toBeNull();
  });
});

describe('smallestDensity', () => {
  it('gives every layer a weight, and half of it does not', () => {
    for (const query of [
      '',
      'hidden=1,1,1,1,1,1',
      'init=erk',
      'model=lenet5',
      'model=vgg&dataset=cifar10',
    ]) {
      const c = config(query);
      const min = smallestDensity(c);
      expect(emptyLayer({ ...c, density: min }), query).toBeNull();
      expect(emptyLayer({ ...c, density: min / 2 }), query).not.toBeNull();
      expect(
        String(min)
          .replace(/^0\.0*|e.*$/g, '')
          .replace('.', '').length,
      ).toBeLessThan(3);
    }
  });
});

describe('decodeChecked', () => {
  it('refuses a density that leaves a layer empty, keeps the default and names the smallest', () => {
    const { config: c, rejected } = decodeChecked('density=1e-9&epochs=2');
    expect(c.density).toBe(0.05);
    expect(c.epochs).toBe(2);
    expect(rejected).toHaveLength(1);
    const min = smallestDensity(config(''));
    expect(rejectionMessage(rejected[0])).toBe(
      `Parameter "density=1e-9" was ignored: it leaves layer fc1 (235200 weights) with no weight ` +
        `at all at density 1e-9: the smallest density for this model is ${min} ` +
        `(${smallestDensity(config('init=erk'))} with init=erk, which gives small layers more).`,
    );
    expect(decodeChecked(`density=${min}`).rejected).toEqual([]);
  });

  it('refuses widths that the default density leaves empty; at density 1 they train', () => {
    const { config: c, rejected } = decodeChecked('hidden=1,1,1,1,1,1');
    expect(c.hidden).toEqual([300, 100]);
    expect(rejected).toMatchObject([{ key: 'hidden', value: '1,1,1,1,1,1' }]);
    expect(rejected[0].reason).toMatch(/^leaves layer fc2 \(1 weight\) with no weight at all/);
    expect(decodeChecked('hidden=1,1,1,1,1,1&density=1')).toEqual(
      decode('hidden=1,1,1,1,1,1&density=1'),
    );
  });

  it('blames the next parameter when the default of the first does not help', () => {
    const { config: c, rejected } = decodeChecked('density=1e-9&hidden=1,1,1,1,1,1');
    expect(rejected.map((r) => r.key)).toEqual(['density', 'hidden']);
    expect(emptyLayer(c)).toBeNull();
  });

  it("blames a control's own key, even at its default", () => {
    expect(decodeChecked('hidden=1,1,1,1,1,1&method=dense', ['method']).rejected).toEqual([]);
    const { rejected } = decodeChecked('hidden=1,1,1,1,1,1&method=snfs', ['method']);
    expect(rejected.map((r) => r.key)).toEqual(['method']);
    // A key the counts do not depend on is never blamed.
    expect(decodeChecked('hidden=1,1,1,1,1,1&lr=0.2', ['lr']).rejected).toEqual([]);
  });

  it('does not blame a link value equal to the default', () => {
    const { rejected } = decodeChecked('density=0.05&hidden=1,1,1,1,1,1');
    expect(rejected.map((r) => r.key)).toEqual(['hidden']);
  });

  it('leaves everything else to decode', () => {
    for (const query of ['', 'density=0.3&hidden=64', 'lr=abc', 'nope=1', 'l2=0.001'])
      expect(decodeChecked(query), query).toEqual(decode(query));
  });

  it('refuses block tiles with a structure, keeping single weights and saying why', () => {
    const { config: c, rejected } = decodeChecked('structure=fanin&block=16');
    expect(c.structure).toBe('fanin');
    expect(c.block).toBe(1);
    expect(rejected).toEqual([
      expect.objectContaining({
        key: 'block',
        value: '16',
        reason: expect.stringMatching(/fanin/),
      }),
    ]);
  });
});
