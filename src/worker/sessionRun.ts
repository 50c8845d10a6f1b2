import { CpuBackend } from '../cpu/backend';
import { trainingPart } from '../config';
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
