import { describe, expect, it } from 'vitest';
import { benchTables } from './bench-tables.mjs';

const row = (model, method, density, samplesPerSec, dense, extra = {}) => ({
  model,
  method,
  density,
  samplesPerSec,
  speedup: samplesPerSec / dense,
  weightMemory: density === 1 ? 1 : 0.1,
  kernels: '',
  dispatchesPerStep: density === 1 ? 22 : 26,
  query: '',
  ...extra,
});

const report = {
  adapter: 'google swiftshader',
  userAgent: 'HeadlessChrome',
  kernelShape: { batch: 128, inF: 784, outF: 300 },
  kernels: [],
  doubleSparsity: [],
  train: [
    row('mlp', 'dense', 1, 2000, 2000),
    row('mlp', 'set', 0.1, 4000, 2000),
    row('mlp', 'set', 0.05, 6000, 2000),
    row('mlp', 'snfs', 0.05, 5000, 2000, {
      window: {
        window: 66,
        windowSamplesPerSec: 1000,
        epochSamplesPerSec: 4400,
        epochSpeedup: 2.2,
      },
    }),
  ],
  epochs: [],
  epochDensity: 0.05,
  peer: null,
  profile: [],
  gather: [],
  meta: {
    command: 'npm run bench',
    date: '2026-12-02T05:00:00Z',
    cpus: 2,
    loadStart: 1,
    loadEnd: 1.5,
  },
};

describe('README speed tables', () => {
  const md = benchTables(report, 'bench/results.json');
  const line = (label) => md.split('\n').find((l) => l.startsWith(`| ${label} `));

  it('puts each measured rate and its ratio to dense in its density column', () => {
    expect(line('`set`')).toBe('| `set` | 4000 (2.0x) | 6000 (3.0x) |  | 26 | 10.0% |');
    expect(line('**mlp**: dense 2000')).toContain('| 22 | 100% |');
  });

  it('leaves a cell empty where the run measured nothing, and gives the epoch average of a windowed method', () => {
    expect(line('`snfs`')).toBe('| `snfs` |  | 5000 (2.5x) | 2.2x | 26 | 10.0% |');
  });

  it('says which run the figures come from', () => {
    expect(md).toContain('From one `npm run bench` run on 2026-12-02');
    expect(md).toContain('Load average 1.00 at the start and 1.50 at the end, on 2 cores');
  });
});
