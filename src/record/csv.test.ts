import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../engine/events';
import type { FromWorker } from '../worker/protocol';
import { recordOf, sessionMessages } from '../worker/sessionRun';
import { recordCsv, type RunRecord } from '.';

/**
 * Reads the CSV with Python's csv module and checks every row against the record's epoch, each
 * flattened independently here by the documented rule (fields joined by ".", named list items by
 * name, the confusion matrix left out), with the backend and configuration beside it.
 */
const CHECK = String.raw`
import csv, json, sys
record = json.load(open(sys.argv[1]))
def flat(v, prefix, out):
    if isinstance(v, list):
        if any(isinstance(x, list) for x in v): return out
        for i, x in enumerate(v):
            if isinstance(x, dict) and 'name' in x:
                flat({k: y for k, y in x.items() if k != 'name'}, prefix + '.' + x['name'] if prefix else x['name'], out)
            else:
                flat(x, prefix + '.' + str(i) if prefix else str(i), out)
    elif isinstance(v, dict):
        for k, y in v.items(): flat(y, prefix + '.' + k if prefix else k, out)
    else:
        out[prefix] = v
    return out
def link_form(v):
    return ','.join(str(x) for x in v) if isinstance(v, list) else v
def cell(text, want):
    if want is None: return text == ''
    if isinstance(want, bool): return text == ('true' if want else 'false')
    if isinstance(want, (int, float)): return float(text) == want
    return text == str(want)
with open(sys.argv[2], newline='') as f:
    rows = list(csv.DictReader(f))
assert len(rows) == len(record['epochs']), (len(rows), len(record['epochs']))
for row, epoch in zip(rows, record['epochs']):
    want = flat(epoch, '', {})
    want['runtime.backend'] = record['runtime']['backend']
    for k, v in record['config'].items(): want['config.' + k] = link_form(v)
    assert set(row) == set(want), sorted(set(row) ^ set(want))
    for k, v in want.items(): assert cell(row[k], v), (k, row[k], v)
print(json.dumps({'rows': len(rows), 'columns': len(rows[0])}))
`;

function python(record: RunRecord): { rows: number; columns: number } {
  const dir = mkdtempSync(join(tmpdir(), 'record-csv-'));
  try {
    writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
    writeFileSync(join(dir, 'metrics.csv'), recordCsv(record));
    writeFileSync(join(dir, 'check.py'), CHECK);
    const r = spawnSync(
      'python3',
      [join(dir, 'check.py'), join(dir, 'run.json'), join(dir, 'metrics.csv')],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const QUERY = 'hidden=16,8&density=0.25&epochs=2&batch=20&lr=0.05&train=300&seed=5';
let messages: FromWorker[];
let record: RunRecord;
beforeAll(async () => {
  messages = await sessionMessages(QUERY);
  record = recordOf(messages, QUERY);
}, 60_000);

describe("the record's CSV", () => {
  it("parses with Python's csv module into the record's per-epoch rows", () => {
    const { rows, columns } = python(record);
    expect(rows).toBe(2);
    // 9 epoch figures, 3 layers x 6, 2 input-zeros figures, the backend, 28 parameters.
    expect(columns).toBe(9 + 18 + 2 + 1 + 28);
    const [header, first] = recordCsv(record).split('\n');
    expect(header.split(',').slice(0, 4)).toEqual(['epoch', 'testAcc', 'testLoss', 'trainAcc']);
    expect(header).toContain('layers.fc1.density,layers.fc1.meanMomentum,layers.fc1.momentumShare');
    expect(header).not.toContain('emptyChannels');
    expect(first).toContain(',"16,8",'); // config.hidden as the link writes it, quoted
  });

  it('has an empty-channels column for a conv layer only, and an empty cell for no prune rate', () => {
    const e = (messages.find((m) => m.type === 'epoch') as { metrics: EpochMetrics }).metrics;
    const ready = messages.find((m) => m.type === 'ready')!;
    const epoch: FromWorker = {
      type: 'epoch',
      metrics: {
        ...e,
        pruneRate: null,
        layers: [{ ...e.layers[0], name: 'conv1', emptyChannels: 2 }, e.layers[1]],
      },
      gpu: null,
    };
    const conv = recordOf([ready, epoch], QUERY);
    expect(python(conv).rows).toBe(1);
    const header = recordCsv(conv).split('\n')[0].split(',');
    expect(header.filter((c) => c.endsWith('emptyChannels'))).toEqual([
      'layers.conv1.emptyChannels',
    ]);
  });
});
