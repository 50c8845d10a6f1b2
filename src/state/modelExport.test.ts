import { beforeEach, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../engine/trainer';
import { APP_STAMP } from './appStamp';
import { modelSummary, runFileName, selectCanExportModel } from './modelExport';
import { useStore, type RunStatus } from './store';

const state = () => useStore.getState();

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  state().loadFromUrl('model=lenet5&density=0.05&seed=3&epochs=2');
});

describe('the model export (page side)', () => {
  it('is offered once the run is paused or done, and not twice at once', () => {
    const allowed = (status: RunStatus) => {
      useStore.setState({ status });
      return selectCanExportModel(state());
    };
    expect(['idle', 'loading', 'running', 'error'].map((s) => allowed(s as RunStatus))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(allowed('paused')).toBe(true);
    expect(allowed('done')).toBe(true);
    useStore.setState({ modelExport: { pending: true, message: null } });
    expect(selectCanExportModel(state())).toBe(false);
  });

  it('names the file like the metrics exports and sums the run up from its last epoch', () => {
    expect(runFileName(state().config, 'onnx')).toBe(
      'sparse-playground-lenet5-snfs-d0.05-seed3.onnx',
    );
    const epoch = (n: number, testAcc: number) =>
      ({ epoch: n, testAcc, testLoss: 0.2, density: 0.0501 }) as EpochMetrics;
    useStore.setState({
      runConfig: state().config,
      epochs: [epoch(1, 0.9), epoch(2, 0.95)],
      backend: 'webgpu',
      adapter: 'google swiftshader',
    });
    expect(modelSummary(state(), 'https://x.test/?model=lenet5')).toEqual({
      link: 'https://x.test/?model=lenet5',
      appVersion: APP_STAMP.version,
      appCommit: APP_STAMP.commit,
      dataset: 'mnist',
      model: 'lenet5',
      method: 'snfs',
      density: '0.0501',
      epochs: '2',
      testAcc: '0.95',
      testLoss: '0.2',
      backend: 'webgpu',
      adapter: 'google swiftshader',
    });
  });
});
