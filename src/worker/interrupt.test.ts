import { describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { CpuBackend } from '../cpu/backend';
import { runPaced } from '../cpu/executor';
import { decode } from '../url/params';
import type { FromWorker } from './protocol';
import { TrainingSession } from './session';
import { toyData } from './toyData';

type Posted = FromWorker & { run: number };

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
});
