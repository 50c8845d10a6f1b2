import { CpuBackend } from '../cpu/backend';
import { trainingPart } from '../config';
import { buildRecord, collect, emptyLog, type RunRecord } from '../record';
import { decode } from '../url/params';
import type { FromWorker } from './protocol';
import { TrainingSession } from './session';
import { toyData } from './toyData';

/**
 * Runs one experiment to its end in a `TrainingSession` on the CPU backend and the toy images,
 * and returns every message the page would have received: real worker output for tests of what
 * reads it (the run record). Rejects on the worker's `error`.
 */
export async function sessionMessages(query: string): Promise<FromWorker[]> {
  const posted: FromWorker[] = [];
  let finish: (error?: string) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(new Error(error)) : resolve());
  });
  const config = trainingPart(decode(query).config);
  const session = new TrainingSession({
    post: (m) => {
      if (m.type === 'checkpoint') return;
      const { run: _run, ...message } = m;
      void _run;
      posted.push(message as FromWorker);
      if (m.type === 'done') finish();
      if (m.type === 'error') finish(m.message);
    },
    makeBackend: () => Promise.resolve({ backend: new CpuBackend(), notice: null }),
    loadData: () => Promise.resolve({ train: toyData(config.train, 1), test: toyData(200, 2) }),
    deviceMemory: () => ({ buffers: 0, bytes: 0 }),
  });
  session.handle({
    type: 'start',
    config,
    baseUrl: 'http://test/',
    run: 1,
    stopAt: null,
  });
  await finished;
  return posted;
}

/** The run record of `messages` (as `npm run experiment` builds it), stamped plainly for tests. */
export function recordOf(messages: FromWorker[], query: string, base = 'http://x/'): RunRecord {
  const log = emptyLog();
  for (const m of messages) collect(log, m);
  return buildRecord(log, {
    config: trainingPart(decode(query).config),
    base,
    app: { version: '0.1.0', commit: 'unknown', dirty: null },
    environment: 'test',
  });
}
