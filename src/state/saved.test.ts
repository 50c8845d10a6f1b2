import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../engine/trainer';
import { decode } from '../url/params';
import {
  boundRuns,
  MAX_SAVED_RUNS,
  parseSavedLive,
  parseSavedRuns,
  recordOf,
  SAVED_VERSION,
  savedLive,
  savedRun,
} from './saved';
import { cpuRun } from './savedFixtures';
import { runName, type RunRecord } from './store';

const QUERY = 'hidden=16,8&density=0.25&epochs=3&batch=20&seed=5';

/** A real run's figures and its checkpoints, on the CPU. */
async function realRun() {
  const { config } = decode(QUERY);
  const { checkpoints, ...metrics } = await cpuRun(config);
  return { config, metrics, checkpoints };
}

const record = (id: number, epochs: EpochMetrics[] = []): RunRecord => {
  const { config } = decode(`${QUERY}&seed=${id}`);
  return { id, name: runName(id, config), config, epochs, finished: true };
};

describe('saved runs', () => {
  it(`keeps the last ${MAX_SAVED_RUNS} runs, oldest first`, () => {
    const runs = Array.from({ length: 25 }, (_, i) => record(i + 1));
    const kept = boundRuns(runs);
    expect(kept.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
    expect(boundRuns(runs.slice(0, 3)).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('keeps configuration, epochs, running loss and mask updates, and reads them back', async () => {
    const { config, metrics } = await realRun();
    const r: RunRecord = {
      id: 4,
      name: runName(4, config),
      config,
      epochs: metrics.epochs,
      finished: true,
      steps: metrics.steps,
      maskUpdates: metrics.maskUpdates,
    };
    const stored = structuredClone(savedRun(r));
    expect(stored.query).toContain('density=0.25');
    // Every parameter is written, so a later change of a default does not change the run.
    expect(stored.query).toContain('lr=0.1');
    const { runs, problem } = parseSavedRuns({ version: SAVED_VERSION, runs: [stored] });
    expect(problem).toBeNull();
    const back = recordOf(runs[0]);
    expect(back).toEqual(r);
    expect(back.maskUpdates).toHaveLength(2);
    expect(back.steps!.length).toBeGreaterThan(0);
  });

  it("keeps the run in progress only up to its checkpoint's epoch, with the checkpoint", async () => {
    const { config, metrics, checkpoints } = await realRun();
    const cp = checkpoints.find((c) => c.epoch === 1)!;
    const live = structuredClone(savedLive(config, metrics, cp));
    expect(live.run.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(live.run.steps.every((p) => p.epoch === 1)).toBe(true);
    expect(live.run.maskUpdates.map((u) => u.epoch)).toEqual([1]);
    expect(live.run.subsetEvals.every((e) => e.globalStep <= 6)).toBe(true);
    expect(live.run.subsetEvals.length).toBeGreaterThan(0);
    // Typed arrays and the random state come back as they were (IndexedDB clones structurally).
    const { live: back, problem } = parseSavedLive(live);
    expect(problem).toBeNull();
    expect(back!.checkpoint.params[0].w).toBeInstanceOf(Float32Array);
    expect(back!.checkpoint.params[0].unitMask).toBeInstanceOf(Uint8Array);
    expect(back!.checkpoint).toEqual(cp);
    expect(back!.checkpoint.rng).toEqual(cp.rng);
    expect(decode(back!.run.query).config).toEqual(config);
  });

  it('sets aside a value of another format version with a message, never throws', async () => {
    expect(parseSavedRuns(undefined)).toEqual({ runs: [], problem: null });
    const old = parseSavedRuns({ version: 0, runs: [{ id: 1, name: 'x' }] });
    expect(old.runs).toEqual([]);
    expect(old.problem).toBe(
      'Runs saved by another version of the playground (format 0, this one reads 1) were set aside.',
    );
    expect(parseSavedRuns('garbage').problem).toBe(
      'The saved runs are damaged and were set aside.',
    );
    const { config, metrics, checkpoints } = await realRun();
    const live = savedLive(config, metrics, checkpoints[1]);
    expect(parseSavedLive({ ...live, version: 2 }).problem).toContain(
      'An interrupted run and its checkpoint saved by another version of the playground (format 2',
    );
    expect(parseSavedLive(undefined)).toEqual({ live: null, problem: null });
  });

  it('sets aside damaged runs and checkpoints, keeping the sound ones', async () => {
    const good = savedRun(record(1));
    const { runs, problem } = parseSavedRuns({
      version: SAVED_VERSION,
      runs: [good, { ...good, epochs: 'no' }, null],
    });
    expect(runs).toEqual([good]);
    expect(problem).toBe('2 damaged saved runs were set aside.');
    const many = Array.from({ length: 30 }, (_, i) => savedRun(record(i + 1)));
    expect(parseSavedRuns({ version: SAVED_VERSION, runs: many }).runs).toHaveLength(20);

    const { config, metrics, checkpoints } = await realRun();
    const live = savedLive(config, metrics, checkpoints[1]);
    // A JSON round trip (not how IndexedDB stores, but a damaged value) loses the typed arrays.
    expect(parseSavedLive(JSON.parse(JSON.stringify(live)))).toEqual({
      live: null,
      problem: "The interrupted run was set aside: a layer's weights are not float arrays.",
    });
    const refused = { ...live, run: { ...live.run, query: `${live.run.query}&density=7` } };
    expect(parseSavedLive(refused).problem).toBe(
      'The interrupted run was set aside: its settings are not all valid in this version.',
    );
  });
});
