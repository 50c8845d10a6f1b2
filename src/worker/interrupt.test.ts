import { describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { CpuBackend } from '../cpu/backend';
import { runPaced } from '../cpu/executor';
import { decode } from '../url/params';
import type { WorkerPost } from './protocol';
import { TrainingSession } from './session';
import { toyData } from './toyData';

type Posted = WorkerPost & { run: number };

/** A CPU backend whose every step is endless work in slices: only an interrupt ends it. */
function endless(): CpuBackend {
  const be = new CpuBackend();
  be.submit = (_ops, interrupt) =>
    runPaced([() => ({ rows: 1e12, run: () => {} })], interrupt, { sliceMs: 0, chunkMs: 0 });
  return be;
}

describe('TrainingSession inside one long step', () => {
  it('pauses and resumes inside it, and a reset cancels it so the next run trains', async () => {
    const posted: Posted[] = [];
    const backends = [endless(), new CpuBackend()];
    const session = new TrainingSession({
      post: (m) => posted.push(m),
      makeBackend: () => Promise.resolve({ backend: backends.shift()!, notice: null }),
      loadData: () => Promise.resolve({ train: toyData(100, 1), test: toyData(50, 2) }),
      deviceMemory: () => ({ buffers: 0, bytes: 0 }),
    });
    const until = async (type: Posted['type'], run: number) => {
      for (let i = 0; i < 1000; i++) {
        if (posted.some((p) => p.type === type && p.run === run)) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`no "${type}" of run ${run}; got ${posted.map((p) => p.type).join(' ')}`);
    };
    const config = trainingPart(
      decode('backend=cpu&hidden=8&epochs=1&batch=20&train=100&density=1').config,
    );
    const start = (run: number) =>
      session.handle({ type: 'start', config, baseUrl: 'http://test/', run, stopAt: null });
    start(1);
    await until('ready', 1);
    await new Promise((r) => setTimeout(r, 20)); // inside the first step, which never ends
    session.handle({ type: 'pause' });
    await until('paused', 1);
    expect(session.state).toBe('paused');
    session.handle({ type: 'resume', stopAt: null });
    expect(session.state).toBe('running');
    await new Promise((r) => setTimeout(r, 20));
    expect(posted.filter((p) => p.type === 'progress')).toHaveLength(0);
    start(2);
    await until('done', 2);
    // The cancelled run said nothing more, in particular no error.
    expect(posted.filter((p) => p.type === 'error')).toEqual([]);
    expect(posted.filter((p) => p.run === 2).map((p) => p.type)).toContain('epoch');
  });

  it('a prediction asked while paused inside a step lets that step end, then answers', async () => {
    const posted: Posted[] = [];
    const be = new CpuBackend();
    const submit = be.submit.bind(be);
    // Each step first does slow extra work in slices (a pause lands inside it), then its ops.
    be.submit = async (ops, interrupt) => {
      await runPaced([() => ({ rows: 400, run: () => sleepSync(1) })], interrupt, {
        sliceMs: 0,
        chunkMs: 0,
      });
      return submit(ops, interrupt);
    };
    const session = new TrainingSession({
      post: (m) => posted.push(m),
      makeBackend: () => Promise.resolve({ backend: be, notice: null }),
      loadData: () => Promise.resolve({ train: toyData(100, 1), test: toyData(50, 2) }),
      deviceMemory: () => ({ buffers: 0, bytes: 0 }),
    });
    const until = async (found: (p: Posted) => boolean) => {
      for (let i = 0; i < 2000; i++) {
        const p = posted.find(found);
        if (p) return p;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`not posted; got ${posted.map((p) => p.type).join(' ')}`);
    };
    const config = trainingPart(
      decode('backend=cpu&hidden=8&epochs=1&batch=20&train=100&density=1').config,
    );
    session.handle({ type: 'start', config, baseUrl: 'http://test/', run: 1, stopAt: null });
    await until((p) => p.type === 'ready');
    await new Promise((r) => setTimeout(r, 30));
    session.handle({ type: 'pause' });
    await until((p) => p.type === 'paused');
    session.handle({ type: 'predictTest', id: 7, index: 0 });
    const answer = await until((p) => p.type === 'prediction');
    expect(answer).toMatchObject({ id: 7, refused: null });
    const probabilities = (answer as Posted & { type: 'prediction' }).prediction!.probabilities;
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(session.state).toBe('paused');
    // Training goes on from there to the end.
    session.handle({ type: 'resume', stopAt: null });
    await until((p) => p.type === 'done');
    expect(posted.filter((p) => p.type === 'error')).toEqual([]);
  });
});

/** Busy work for `ms` milliseconds (a slice of a slow step). */
function sleepSync(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}
