import { beforeAll, describe, expect, it } from 'vitest';
import { recordOf, sessionMessages } from '../worker/sessionRun';
import { compareRecords, TOLERANCE, type RunRecord } from '.';

const QUERY = 'hidden=16,8&density=0.25&epochs=2&batch=20&lr=0.05&train=300&seed=5';

const run = async (query = QUERY) => recordOf(await sessionMessages(query), query);

let first: RunRecord;
let again: RunRecord;
beforeAll(async () => {
  [first, again] = [await run(), await run()];
}, 120_000);

const elsewhere = (r: RunRecord): RunRecord => ({
  ...structuredClone(r),
  runtime: {
    ...r.runtime,
    backend: 'webgpu',
    adapter: { vendor: 'google', architecture: 'swiftshader', description: '' },
  },
});

describe('--expect: a rerun against its record', () => {
  it('is identical when the same backend reruns the same link (timings aside)', () => {
    expect(again.epochs[0].seconds).not.toBe(-1);
    const c = compareRecords(first, again);
    expect(c.verdict).toBe('identical');
    expect(c.required).toBe('exact');
    expect(c.epochs.map((e) => e.differences)).toEqual([[], []]);
    expect(c.reason).toContain('bit-identical, and it is');
  });

  it('is different when one accuracy changed by the least amount, naming it', () => {
    const changed = structuredClone(first);
    changed.epochs[1].testAcc += 0.005;
    const c = compareRecords(changed, again);
    expect(c.verdict).toBe('different');
    expect(c.epochs[0].differences).toEqual([]);
    expect(c.epochs[1].differences).toEqual([
      expect.objectContaining({
        path: 'testAcc',
        expected: changed.epochs[1].testAcc,
        decides: true,
      }),
    ]);
    expect(c.reason).toContain('1 figure differs, first testAcc');
  });

  it('on the same device, a mask update or a running-loss point differing is different too', () => {
    const changed = structuredClone(first);
    changed.maskUpdates[0].layers[0].regrown += 1;
    changed.runningLoss[0].trainLoss *= 1 + 1e-7;
    const c = compareRecords(changed, again);
    expect(c.verdict).toBe('different');
    expect(c.epochs[0].differences.map((d) => d.path)).toEqual([
      'maskUpdates.0.layers.fc1.regrown',
      `runningLoss.${changed.runningLoss[0].globalStep}`,
    ]);
  });

  it('on another adapter, is within tolerance inside it and different outside it', () => {
    const other = elsewhere(again);
    other.epochs[1].testAcc += TOLERANCE.testAcc / 2;
    other.epochs[1].layers[0].density += TOLERANCE['layers.*.density'] / 2;
    other.epochs[1].layers[0].meanMomentum *= 1.5; // reported, not deciding
    other.maskUpdates[0].layers[0].regrown += 3; // reported, not deciding
    const c = compareRecords(first, other);
    expect(c.verdict).toBe('within tolerance');
    expect(c.required).toEqual(TOLERANCE);
    expect(c.reason).toContain('within 0.5 points');
    const d = c.epochs[1].differences.find((x) => x.path === 'testAcc')!;
    expect(d).toMatchObject({ tolerance: 0.005, decides: false });
    expect(d.delta).toBeCloseTo(0.0025, 12);
    expect(c.epochs[1].differences.map((x) => x.path)).toContain('layers.fc1.meanMomentum');
    other.epochs[0].trainLoss += 0.05;
    const far = compareRecords(first, other);
    expect(far.verdict).toBe('different');
    expect(far.epochs[0].differences.filter((x) => x.decides).map((x) => x.path)).toEqual([
      'trainLoss',
    ]);
  });

  it('is different when an epoch is missing or the configuration is not the same', () => {
    const short = { ...structuredClone(again), epochs: again.epochs.slice(0, 1) };
    const c = compareRecords(first, short);
    expect(c.verdict).toBe('different');
    expect(c.run).toEqual([
      expect.objectContaining({ path: 'summary.epochs', expected: 2, actual: 1 }),
    ]);
    const lr = structuredClone(again);
    lr.config.lr = 0.2;
    expect(compareRecords(first, lr).run).toEqual([
      expect.objectContaining({ path: 'config.lr', expected: 0.05, actual: 0.2, decides: true }),
    ]);
  });
});
