import { describe, expect, it } from 'vitest';
import type { EpochMetrics, StepProgress, SubsetEval } from '../engine/trainer';
import { decode } from '../url/params';
import { selectExpectedEpochSeconds, selectRunFigures } from './runFigures';
import type { AppState, RunRecord } from './store';

const epoch = (n: number, seconds: number, testAcc = 0.9) =>
  ({ epoch: n, seconds, testAcc }) as EpochMetrics;
const progress = (globalStep: number): StepProgress => ({
  ...{ epoch: Math.floor(globalStep / 100) + 1, step: globalStep % 100, stepsPerEpoch: 100 },
  ...{ globalStep, totalSteps: 300, trainLoss: 0.5, samplesPerSec: 1000 },
});
const record = (query: string, epochs: EpochMetrics[]): RunRecord => ({
  id: 1,
  name: 'x',
  config: decode(query).config,
  epochs,
  finished: true,
});

describe('run bar figures', () => {
  it('before Start: the time per epoch of the last run of the same shape, else unknown', () => {
    const base = { history: [record('seed=1&epochs=2', [epoch(1, 20), epoch(2, 30)])] };
    const same = { ...base, config: decode('seed=9&epochs=5&lr=0.2').config } as AppState;
    expect(selectExpectedEpochSeconds(same)).toBe(25);
    const wider = { ...base, config: decode('hidden=500,100').config } as AppState;
    expect(selectExpectedEpochSeconds(wider)).toBeNull();
    const none = { history: [], config: same.config } as unknown as AppState;
    expect(selectExpectedEpochSeconds(none)).toBeNull();
  });

  it('shows the sample accuracy while it is newer than the last full test', () => {
    const sample: SubsetEval = { globalStep: 150, images: 1000, acc: 0.91, loss: 0.3 };
    const s = {
      config: decode('').config,
      backend: 'webgpu',
      progress: progress(160),
      epochs: [epoch(1, 10, 0.88)],
      subsetEvals: [sample],
    } as unknown as AppState;
    expect(selectRunFigures(s)).toMatchObject({
      epoch: 2,
      epochs: 3,
      step: 60,
      testAcc: 0.91,
      testAccOnSample: true,
    });
    const later = { ...s, progress: progress(200), epochs: [epoch(1, 10), epoch(2, 10, 0.95)] };
    expect(selectRunFigures(later as AppState)).toMatchObject({
      testAcc: 0.95,
      testAccOnSample: false,
    });
  });
});
