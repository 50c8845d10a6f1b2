import { beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../config';
import type { EpochMetrics } from '../engine/trainer';
import { decode, defaultConfig } from '../url/params';
import { compareLink, describeCompare, expandCompare, expectedTime } from './compare';
import { compareLabels, fullLabel } from './compareLabels';
import { compareCsv, compareJson, type ComparedRun } from './exportRun';
import { PRESETS, presetRuns, quickNote } from './presets';
import { runName, useStore, type RunRecord } from './store';

const base = (query = '') => decode(query).config;
const preset = (id: string) => PRESETS.find((p) => p.id === id)!;

function epoch(n: number, testAcc: number, layers = ['fc1', 'fc2'], seconds = 10): EpochMetrics {
  return {
    epoch: n,
    testAcc,
    testLoss: 0.3,
    trainAcc: testAcc,
    trainLoss: 0.3,
    density: 0.05,
    pruneRate: null,
    seconds,
    samplesPerSec: 1000,
    layers: layers.map((name) => ({
      name,
      size: 1000,
      active: 50,
      density: 0.05,
      meanMomentum: 0.01,
      momentumShare: 0.5,
      emptyChannels: null,
      kernel: 'csr' as const,
    })),
    inputZeros: [],
    confusion: [],
  };
}

describe('expanding a comparison', () => {
  it('makes one run per value, zipped, from the base; the base itself is unchanged', () => {
    const b = base(
      'train=500&epochs=1&seed=3&autorun=1&compare=method:snfs,dense;hidden:300-100,16-10;density:0.05,1',
    );
    const before = JSON.stringify(b);
    const runs = expandCompare(b, b.compare);
    expect(runs.map((r) => [r.method, r.hidden, r.density])).toEqual([
      ['snfs', [300, 100], 0.05],
      ['dense', [16, 10], 1],
    ]);
    for (const r of runs) {
      expect(r).toMatchObject({ train: 500, epochs: 1, seed: 3, compare: '', autorun: false });
    }
    expect(JSON.stringify(b)).toBe(before);
    runs[1].hidden.push(5); // runs do not share arrays with each other
    expect(expandCompare(b, b.compare)[1].hidden).toEqual([16, 10]);
    expect(expandCompare(b, '')).toEqual([]);
  });

  it('describes runs as variations of a base so that expanding gives the same runs', () => {
    const b = base('train=500&epochs=1&seed=3&method=set&density=0.2');
    for (const p of PRESETS) {
      for (const quick of [false, true]) {
        const runs = presetRuns(p, b, quick);
        const spec = describeCompare(b, runs);
        expect(expandCompare(b, spec), `${p.id} ${spec}`).toEqual(
          runs.map((r) => ({ ...r, compare: '', autorun: false })),
        );
      }
    }
    const quick = presetRuns(preset('wide-vs-narrow'), b, true);
    expect(describeCompare(b, quick)).toBe('method:snfs,dense;hidden:300-100,16-10;density:0.05,1');
    // Runs that differ in nothing are still as many runs.
    expect(describeCompare(b, [b, b])).toBe('seed:3,3');
    expect(expandCompare(b, describeCompare(b, [b, b]))).toHaveLength(2);
  });

  it('links the comparison to the base experiment with one compare parameter', () => {
    const b = base('train=500&epochs=1&seed=3');
    const runs = presetRuns(preset('methods'), b, true);
    const link = compareLink(b, runs, 'http://x/app/');
    // The quick runs train on the base's 500 images for its 1 epoch: only the method varies.
    expect(link).toBe(
      'http://x/app/?v=2&epochs=1&seed=3&train=500&compare=method:snfs,set,rigl,static',
    );
    const opened = decode(new URL(link).search);
    expect(opened.rejected).toEqual([]);
    expect(expandCompare({ ...opened.config, compare: '' }, opened.config.compare)).toEqual(
      runs.map((r) => ({ ...r, autorun: false })),
    );
  });
});

describe('run labels', () => {
  it('name what differs between the runs, not the internal names twice', () => {
    const b = base();
    const labels = (id: string) => compareLabels(presetRuns(preset(id), b, false));
    expect(labels('methods')).toEqual(['SNFS', 'SET', 'RigL', 'static']);
    expect(labels('wide-vs-narrow')).toEqual(['SNFS 5% 300-100', 'dense 16-10']);
    expect(labels('dense-vs-snfs')).toEqual(['dense', 'SNFS 5%']);
    expect(labels('blocks')).toEqual(['block 1', 'block 16']);
    expect(compareLabels(expandCompare(b, 'lr:0.1,0.05;seed:1,2'))).toEqual([
      'lr=0.1 seed 1',
      'lr=0.05 seed 2',
    ]);
    expect(compareLabels(expandCompare(b, 'model:mlp,lenet5;hidden:40,40'))).toEqual([
      'MLP 40',
      'LeNet-5',
    ]);
    expect(compareLabels([b, b])).toEqual(['run 1', 'run 2']);
  });

  it('label a run of the settings once by each of its parts', () => {
    expect(runName(4, base('method=dense&density=1&hidden=16,10'))).toBe(
      '#4 dense MLP 16-10 seed 17',
    );
    expect(fullLabel(base('method=set&density=0.005&block=16&seed=3'))).toBe(
      'SET 0.5% MLP 300-100 block 16 seed 3',
    );
  });
});

describe('presets', () => {
  it('run the data and epochs that show their point, and a quick variant says what it cannot', () => {
    const b = base('train=500&epochs=1&seed=3&lr=0.5&hidden=40');
    for (const p of PRESETS) {
      const full = presetRuns(p, b, false);
      for (const r of full) {
        expect(r).toMatchObject({ train: 54000, epochs: 5, seed: 3, lr: 0.1, dataset: 'mnist' });
      }
      expect(p.demonstrates).toMatch(/measured/);
      const quick = presetRuns(p, b, true);
      for (const r of quick) expect(r).toMatchObject({ train: 500, epochs: 1 });
      expect(quickNote(p, b)).toMatch(
        /^Quick: 500 images, 1 epoch; no mask update happens at all\. /,
      );
    }
    expect(presetRuns(preset('methods'), defaultConfig(), true)[0]).toMatchObject({
      train: 6000,
      epochs: 2,
    });
    expect(quickNote(preset('methods'), defaultConfig())).toContain(
      'near chance for its first ~60 steps',
    );
  });
});

describe('expected time of a comparison', () => {
  it('sums each run from an earlier run of its shape, scaled across data sizes, else unknown', () => {
    const b = base();
    const runs = presetRuns(preset('dense-vs-snfs'), b, false); // dense, SNFS: 5 epochs, 54,000
    const record = (config: ExperimentConfig, seconds: number): RunRecord => ({
      id: 1,
      name: 'x',
      config,
      epochs: [epoch(1, 0.9, undefined, seconds), epoch(2, 0.9, undefined, seconds)],
      finished: true,
    });
    expect(expectedTime(runs, [])).toEqual({ seconds: 0, unknown: 2, scaled: false });
    const quickDense = { ...runs[0], train: 6000, epochs: 2 };
    expect(expectedTime(runs, [record(quickDense, 4)])).toEqual({
      seconds: 4 * 9 * 5,
      unknown: 1,
      scaled: true,
    });
    expect(expectedTime(runs, [record(runs[0], 30), record(runs[1], 20)])).toEqual({
      seconds: 30 * 5 + 20 * 5,
      unknown: 0,
      scaled: false,
    });
  });
});

describe('comparison exports', () => {
  const b = base('train=500&epochs=2');
  const runs: ComparedRun[] = [
    { label: 'SNFS 5% 300-100', config: b, epochs: [epoch(1, 0.8), epoch(2, 0.9)], finished: true },
    {
      label: 'dense, "16-10"',
      config: { ...b, hidden: [16, 10] },
      epochs: [epoch(1, 0.7, ['fc1', 'fc2', 'fc3'])],
      finished: false,
    },
  ];

  it('CSV: one row per run per epoch, the run and its label first, every layer of any run', () => {
    const [header, ...rows] = compareCsv(runs).trim().split('\n');
    const columns = header.split(',');
    expect(columns.slice(0, 4)).toEqual(['run', 'label', 'epoch', 'testAcc']);
    // The names of a run record's CSV; the layer columns together, the configuration after.
    const fc3 = columns.indexOf('layers.fc3.density');
    expect(fc3).toBeGreaterThan(columns.indexOf('layers.fc2.kernel'));
    expect(fc3).toBeLessThan(columns.indexOf('config.dataset'));
    expect(header).not.toContain('emptyChannels');
    expect(rows).toHaveLength(3);
    expect(rows[0].startsWith('1,SNFS 5% 300-100,1,0.8,')).toBe(true);
    expect(rows[1].startsWith('1,SNFS 5% 300-100,2,0.9,')).toBe(true);
    expect(rows[2].startsWith('2,"dense, ""16-10""",1,0.7,')).toBe(true);
    // The first run has no fc3: its cells stay empty; each run's configuration beside its rows.
    expect(rows[0].split(',')[fc3]).toBe('');
    expect(rows[0]).toContain(',"300,100",');
    expect(rows[2]).toContain(',"16,10",');
  });

  it("JSON: every run's label, configuration, link and epochs, and the comparison's link", () => {
    const data = JSON.parse(
      compareJson(runs, 'http://x/?compare=hidden:300-100,16-10', 'http://x/'),
    );
    expect(data.link).toBe('http://x/?compare=hidden:300-100,16-10');
    expect(data.runs).toHaveLength(2);
    expect(data.runs[1].config.hidden).toEqual([16, 10]);
    expect(data.runs[1].link).toBe('http://x/?v=2&hidden=16,10&epochs=2&train=500');
    expect(data.runs[1].finished).toBe(false);
    expect(data.runs[0].epochs).toHaveLength(2);
    // Epochs as a run record holds them: no empty-channel figure where none can apply.
    expect(data.runs[0].epochs[0].layers[0]).not.toHaveProperty('emptyChannels');
  });
});

describe('a comparison in the store', () => {
  beforeEach(() => useStore.setState(useStore.getInitialState(), true));

  it('trains its runs without changing the settings, and labels them by what differs', () => {
    const s = () => useStore.getState();
    s().loadFromUrl('train=500&epochs=1&method=set&density=0.2');
    const settings = s().config;
    const runs = presetRuns(preset('dense-vs-snfs'), settings, true);
    const labels = compareLabels(runs);
    s().beginComparison({ title: 't', note: '', base: settings, runs, labels, ids: [null, null] });
    expect(s().queue).toEqual([runs[1]]);
    for (const [index, config] of runs.entries()) {
      s().beginRun({ config, index });
      expect(s().runConfig).toBe(config);
      s().receive({ type: 'epoch', metrics: epoch(1, 0.5 + index / 10) } as never);
      s().receive({ type: 'done' } as never);
    }
    expect(s().config).toBe(settings);
    expect(s().history.map((r) => r.name)).toEqual(['dense', 'SNFS 5%']);
    expect(s().comparison!.ids).toEqual(s().history.map((r) => r.id));
    expect(s().compared).toEqual(s().comparison!.ids);
  });
});
