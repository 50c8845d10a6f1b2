import { describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { decode, defaultConfig, encode, GROUPS, PANELS, PARAMS, rejectionMessage } from './params';

describe('URL parameters', () => {
  it('encodes both the training and the view settings; the worker gets the training part', () => {
    const { config } = decode(
      'density=0.2&projector=1&hide=momentum&autorun=1&compare=method:snfs,set',
    );
    expect(decode(encode(config)).config).toEqual(config);
    const training = trainingPart(config);
    expect(Object.keys(training)).toEqual(
      PARAMS.map((p) => p.key).filter(
        (k) => !['autorun', 'hide', 'projector', 'compare'].includes(k),
      ),
    );
    expect(training.density).toBe(0.2);
  });

  it('gives the reference defaults for an empty query', () => {
    const { config, rejected } = decode('');
    expect(rejected).toEqual([]);
    expect(config).toMatchObject({
      dataset: 'mnist',
      model: 'mlp',
      hidden: [300, 100],
      density: 0.05,
      prune_rate: 0.5,
      lr: 0.1,
      momentum: 0.9,
      nesterov: true,
      wd: 0.0005,
      batch: 100,
      seed: 17,
      train: 54000,
      backend: 'auto',
    });
  });

  it('restores valid values', () => {
    const { config, rejected } = decode(
      '?density=0.2&hidden=500,200,50&nesterov=0&backend=cpu&seed=3&epochs=7',
    );
    expect(rejected).toEqual([]);
    expect(config.density).toBe(0.2);
    expect(config.hidden).toEqual([500, 200, 50]);
    expect(config.nesterov).toBe(false);
    expect(config.backend).toBe('cpu');
    expect(config.seed).toBe(3);
    expect(config.epochs).toBe(7);
  });

  it('keeps defaults for invalid values and says why', () => {
    const { config, rejected } = decode(
      'density=0&lr=abc&batch=2.5&backend=tpu&hidden=300,x&bogus=1&epochs=1e9',
    );
    expect(config.density).toBe(0.05);
    expect(config.lr).toBe(0.1);
    expect(config.batch).toBe(100);
    expect(config.backend).toBe('auto');
    expect(config.hidden).toEqual([300, 100]);
    expect(config.epochs).toBe(5);
    expect(rejected.map((r) => r.key)).toEqual([
      'density',
      'lr',
      'batch',
      'backend',
      'hidden',
      'bogus',
      'epochs',
    ]);
    expect(rejectionMessage(rejected[0])).toBe(
      'Parameter "density=0" was ignored: it must be > 0 and <= 1.',
    );
    expect(rejectionMessage(rejected[1])).toContain('is not a number');
    expect(rejectionMessage(rejected[3])).toContain('must be one of auto, webgpu, cpu');
    expect(rejectionMessage(rejected[5])).toContain('not a known parameter');
  });

  it('accepts legacy keys', () => {
    const { config, rejected } = decode('l2=0.001&prune=set');
    expect(rejected).toEqual([]);
    expect(config.wd).toBe(0.001);
    expect(config.prune).toBe('set');
  });

  it('reports a parameter given twice and keeps the first', () => {
    const { config, rejected } = decode('seed=1&seed=2');
    expect(config.seed).toBe(1);
    expect(rejected).toHaveLength(1);
  });

  it('reads the sparse-method knobs, words and restricted numbers', () => {
    const { config, rejected } = decode(
      'method=rigl&update_every=50&update_until=0.5&block=16&growth=random',
    );
    expect(rejected).toEqual([]);
    expect(config).toMatchObject({
      method: 'rigl',
      update_every: 50,
      update_until: 0.5,
      block: 16,
      growth: 'random',
    });
    expect(decode('update_every=epoch').config.update_every).toBe('epoch');
    const bad = decode('block=5&update_every=soon&method=magic');
    expect(bad.config.block).toBe(1);
    expect(bad.rejected.map(rejectionMessage)).toEqual([
      'Parameter "block=5" was ignored: it must be one of 1, 4, 8, 16, 32.',
      'Parameter "update_every=soon" was ignored: it must be a number or one of auto, epoch.',
      'Parameter "method=magic" was ignored: it must be one of snfs, set, rigl, static, dense.',
    ]);
  });

  it('round-trips through encode, writing only what differs from the defaults', () => {
    const config = { ...defaultConfig(), density: 0.2, hidden: [100], nesterov: false };
    const query = encode(config);
    expect(query).toBe('v=2&hidden=100&density=0.2&nesterov=0');
    expect(decode(query).config).toEqual(config);
    expect(decode(encode(config, { full: true })).config).toEqual(config);
  });
});

describe('the link format version', () => {
  it('is written first by every encode, and a link without it reads as the current one', () => {
    expect(encode(defaultConfig())).toBe('v=2');
    const config = { ...defaultConfig(), density: 0.2 };
    expect(encode(config, { full: true }).startsWith('v=2&dataset=mnist&')).toBe(true);
    expect(decode('density=0.2')).toEqual(decode('v=2&density=0.2'));
    expect(decode('v=2&density=0.2')).toEqual({ config, rejected: [] });
  });

  it('reads a v=1 link with the defaults of version 1, so it still means what it meant', () => {
    const old = decode('v=1&structure=nm&density=0.05');
    expect(old.rejected).toEqual([]);
    expect(old.config.nm_group).toBe(16);
    expect(decode('v=2&structure=nm').config.nm_group).toBe(8);
    expect(decode('v=1&structure=nm&nm_group=8').config.nm_group).toBe(8);
    // Written again, the old default is said explicitly: the link keeps its meaning.
    expect(encode(old.config)).toBe('v=2&structure=nm&nm_group=16');
    expect(decode(encode(old.config)).config).toEqual(old.config);
  });

  it('reports a newer or unreadable version as a refused parameter and reads the rest', () => {
    const newer = decode('v=3&density=0.2');
    expect(newer.config.density).toBe(0.2);
    expect(newer.rejected.map(rejectionMessage)).toEqual([
      'Parameter "v=3" was ignored: it is a link format newer than this app reads (version 2): ' +
        'the other parameters were read as version 2 and may not mean what the link meant; ' +
        'open the link in a newer version of the app.',
    ]);
    expect(decode('v=one').rejected[0].reason).toBe('must be a link format version from 1 to 2');
    expect(decode('v=0').rejected[0].reason).toBe('must be a link format version from 1 to 2');
    expect(decode('v=1&v=1').rejected[0].reason).toBe('was given more than once');
  });
});

describe('README', () => {
  it('documents every URL parameter with its default', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const defaults = defaultConfig() as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(defaults)) {
      const shown = Array.isArray(value)
        ? value.join(',')
        : typeof value === 'boolean'
          ? value
            ? '1'
            : '0'
          : String(value);
      const cell = shown === '' ? '\\(none\\)' : `\`${shown.replace('.', '\\.')}\``;
      expect(readme).toMatch(new RegExp(`\\| \`${key}\`\\s+\\| ${cell}`));
    }
  });
});

describe('groups and classroom parameters', () => {
  it('puts every parameter in exactly one group', () => {
    const grouped = GROUPS.flatMap((g) => g.keys);
    expect([...grouped].sort()).toEqual(PARAMS.map((p) => p.key).sort());
  });

  it('decodes hide as a list of known controls, groups and panels', () => {
    expect(decode('hide=controls,regrowth-chart,density').config.hide).toEqual([
      'controls',
      'regrowth-chart',
      'density',
    ]);
    expect(decode('hide=sparsity-settings').config.hide).toEqual(['sparsity-settings']);
    const bad = decode('hide=controls,<b>');
    // The valid name still applies; the unknown one is reported.
    expect(bad.config.hide).toEqual(['controls']);
    expect(bad.rejected).toHaveLength(1);
    expect(bad.rejected[0].reason).toContain('"<b>", which is not a control, group or panel');
    expect(decode(encode({ ...defaultConfig(), hide: ['loss', 'seed'] })).config.hide).toEqual([
      'loss',
      'seed',
    ]);
  });

  it('gives panels, groups and parameters distinct hide names; old names still hide what they did', () => {
    const names = [...PARAMS.map((p) => p.key), ...GROUPS.map((g) => g.id), ...PANELS];
    expect(new Set(names).size).toBe(names.length);
    // Before, "momentum" named both the SGD momentum control and the momentum chart.
    expect(decode('hide=controls,momentum').config.hide).toEqual([
      'controls',
      'momentum',
      'regrowth-chart',
    ]);
    expect(decode('hide=sparsity,schedule').config.hide).toEqual([
      'sparsity-settings',
      'schedule',
      'schedule-chart',
    ]);
    expect(decode('hide=momentum').rejected).toEqual([]);
  });
});
