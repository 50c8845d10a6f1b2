import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../engine/events';
import type { FromWorker } from '../worker/protocol';
import { recordOf, sessionMessages } from '../worker/sessionRun';
import {
  collect,
  emptyLog,
  recordEpoch,
  RECORD_SCHEMA,
  type RecordedMessage,
  type RunRecord,
} from '.';

const schema = JSON.parse(
  readFileSync(new URL('../../docs/run-record.schema.json', import.meta.url), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const errors = (r: unknown) =>
  validate(r) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

// The worker's messages still have the shape the record reads (a compile-time check).
type Fits<M extends FromWorker['type']> =
  Extract<FromWorker, { type: M }> extends Extract<RecordedMessage, { type: M }> ? true : never;
const fits: [
  Fits<'ready'>,
  Fits<'progress'>,
  Fits<'maskUpdate'>,
  Fits<'epoch'>,
  Fits<'recovered'>,
] = [true, true, true, true, true];
void fits;

const QUERY = 'hidden=16,8&density=0.25&epochs=2&batch=20&lr=0.05&train=300&seed=5';
let messages: FromWorker[];
let record: RunRecord;
beforeAll(async () => {
  messages = await sessionMessages(QUERY);
  record = recordOf(messages, QUERY, 'http://127.0.0.1:5173/');
}, 60_000);

describe('the run record', () => {
  it('holds a real run, valid against docs/run-record.schema.json', () => {
    expect(errors(record)).toEqual([]);
    expect(record.schema).toBe(RECORD_SCHEMA);
    expect(record.query).toBe(
      'v=2&hidden=16,8&density=0.25&lr=0.05&batch=20&epochs=2&seed=5&train=300',
    );
    expect(record.link).toBe(`http://127.0.0.1:5173/?${record.query}`);
    expect(record.runtime).toEqual({
      backend: 'cpu',
      adapter: {
        vendor: 'sparse-playground',
        architecture: 'cpu',
        description: 'CPU (JavaScript reference)',
      },
      environment: 'test',
    });
    // The full configuration, defaults resolved, and what the method's auto knobs meant.
    expect(record.config).toMatchObject({
      dataset: 'mnist',
      method: 'snfs',
      prune_rate: 0.5,
      wd: 0.0005,
    });
    expect(Object.keys(record.config)).toHaveLength(28);
    expect(record.sparsity).toMatchObject({
      prune: 'magnitude',
      growth: 'momentum',
      updateEvery: 'epoch',
    });
    expect(record.summary).toEqual({
      epochs: 2,
      testAcc: record.epochs[1].testAcc,
      density: record.epochs[1].density,
      finished: true,
    });
  });

  it('counts epochs from 1 everywhere and keeps every figure the worker reported', () => {
    const epochs = messages.filter((m) => m.type === 'epoch');
    expect(record.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(record.epochs[0].testAcc).toBe(epochs[0].type === 'epoch' && epochs[0].metrics.testAcc);
    expect(record.maskUpdates.map((u) => u.epoch)).toEqual([1]);
    expect(record.runningLoss.length).toBe(messages.filter((m) => m.type === 'progress').length);
    expect(new Set(record.runningLoss.map((p) => p.epoch))).toEqual(new Set([1, 2]));
    const layer = record.epochs[0].layers[0];
    expect(Object.keys(layer)).toEqual([
      'name',
      'size',
      'active',
      'density',
      'meanMomentum',
      'momentumShare',
      'kernel',
    ]);
    expect(layer.momentumShare).toBeGreaterThan(0);
    // An MLP has no conv layer: no empty-channel figure anywhere.
    expect(JSON.stringify(record)).not.toContain('emptyChannels');
    // One naming convention: camelCase field names (only `config` keeps the link's names).
    const keys = (v: unknown): string[] =>
      Array.isArray(v)
        ? v.flatMap(keys)
        : v && typeof v === 'object'
          ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)])
          : [];
    const { config: _c, ...rest } = record;
    void _c;
    expect(keys(rest).filter((k) => !/^[a-z][a-zA-Z0-9]*$/.test(k))).toEqual([]);
  });

  it('keeps empty channels where a layer has them (conv layers)', () => {
    const e = (messages.find((m) => m.type === 'epoch') as { metrics: EpochMetrics }).metrics;
    const conv = { ...e.layers[0], name: 'conv1', emptyChannels: 3 };
    const epoch = recordEpoch({ ...e, layers: [conv, e.layers[1]] });
    expect(epoch.layers[0].emptyChannels).toBe(3);
    expect('emptyChannels' in epoch.layers[1]).toBe(false);
    expect(errors({ ...record, epochs: [epoch] })).toEqual([]);
  });

  it('drops what a device loss makes the run train again, as the page does', () => {
    const log = emptyLog();
    for (const m of messages) collect(log, m);
    const recovered: FromWorker = { type: 'recovered', epoch: 1, message: 'lost' };
    collect(log, recovered);
    expect(log.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(log.runningLoss.every((p) => p.epoch === 1)).toBe(true);
    expect(log.maskUpdates).toHaveLength(1);
  });

  it('a broken record fails validation, naming what is wrong', () => {
    const broken = structuredClone(record) as unknown as Record<string, unknown> & RunRecord;
    broken.epochs[0].epoch = 0;
    (broken.epochs[1] as unknown as Record<string, unknown>).test_acc = 0.5;
    (broken.epochs[1].layers[0] as unknown as Record<string, unknown>).emptyChannels = null;
    delete (broken as Partial<RunRecord>).app;
    broken.query = 'density=0.1';
    const found = errors(broken).join('\n');
    expect(found).toContain("must have required property 'app'");
    expect(found).toContain('/epochs/0/epoch must be >= 1');
    expect(found).toContain('/epochs/1 must NOT have additional properties');
    expect(found).toContain('/epochs/1/layers/0/emptyChannels must be integer');
    expect(found).toContain('/query must match pattern');
    expect(errors({ ...record, schema: 'sparse-playground/run-record@2' })).not.toEqual([]);
  });
});
