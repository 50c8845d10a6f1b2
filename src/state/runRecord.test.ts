import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { buildRecord, collect, emptyLog } from '../record';
import { sessionMessages } from '../worker/sessionRun';
import { APP_STAMP } from './appStamp';
import { shownRunRecord } from './runRecord';
import { useStore } from './store';

const QUERY = 'hidden=16&density=0.5&epochs=2&batch=20&train=120&seed=4';
const state = () => useStore.getState();

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  state().loadFromUrl(QUERY);
});

describe("the page's run record", () => {
  it('is the record npm run experiment builds from the same messages', async () => {
    const messages = await sessionMessages(QUERY);
    state().beginRun();
    state().receiveAll(messages);
    const page = shownRunRecord(state(), 'http://x/', 'agent');
    const log = emptyLog();
    for (const m of messages) collect(log, m);
    const cli = buildRecord(log, {
      config: trainingPart(state().config),
      base: 'http://x/',
      app: APP_STAMP,
      environment: 'agent',
    });
    expect(page).toEqual(cli);
    expect(page.epochs).toHaveLength(2);
    expect(page.runtime.adapter?.architecture).toBe('cpu');
  }, 60_000);

  it('is stamped with package.json version and the commit it was built from', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(APP_STAMP.version).toBe(pkg.version);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(APP_STAMP.commit).toBe(head);
    expect(typeof APP_STAMP.dirty).toBe('boolean');
  });
});
