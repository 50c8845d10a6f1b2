/**
 * Golden runs: short seeded experiments on the CPU backend whose every reported number must stay
 * EXACTLY what it was. The fixture (golden.fixture.json) was recorded at commit bdc1ca3, before
 * the trainer was restructured; re-record it (GOLDEN_RECORD=1 npx vitest run src/engine/golden)
 * (then prettier --write it) only for a change meant to alter results, and say so in the commit.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import type { ImageDataset } from '../data/dataset';
import { decode } from '../url/params';
import fixture from './golden.fixture.json';
import { toyData, toyImages } from './toyData';
import { Trainer, type EpochMetrics, type MaskUpdateEvent } from './trainer';

const MLP = 'hidden=16,8&epochs=2&batch=20&lr=0.05';

/** name -> [query, data]; the MLP runs cover every method and kernel path, then conv nets. */
const RUNS: Record<string, [string, 'toy' | 'lenet' | 'vgg']> = {
  snfs: [`${MLP}&method=snfs&density=0.25`, 'toy'],
  set: [`${MLP}&method=set&density=0.25`, 'toy'],
  rigl: [`${MLP}&method=rigl&update_every=5&density=0.25`, 'toy'],
  static: [`${MLP}&method=static&density=0.25`, 'toy'],
  dense: [`${MLP}&method=dense`, 'toy'],
  'snfs block 4': [`${MLP}&method=snfs&block=4&density=0.25`, 'toy'],
  'snfs csr (auto)': [`${MLP}&method=snfs&density=0.1`, 'toy'],
  'set csr': [`${MLP}&method=set&density=0.25&kernels=sparse`, 'toy'],
  'rigl csr': [`${MLP}&method=rigl&update_every=5&density=0.25&kernels=sparse`, 'toy'],
  'snfs csr, odd batch': [`hidden=16,8&epochs=2&batch=23&method=snfs&kernels=sparse`, 'toy'],
  'snfs block 4 sparse': [`${MLP}&method=snfs&block=4&density=0.25&kernels=sparse`, 'toy'],
  'set block 4 sparse': [`${MLP}&method=set&block=4&density=0.25&kernels=sparse`, 'toy'],
  lenet5: ['model=lenet5&density=0.5&epochs=2&batch=25&lr=0.05', 'lenet'],
  'lenet5 csr': ['model=lenet5&density=0.1&epochs=2&batch=25&kernels=sparse', 'lenet'],
  vgg: ['model=vgg&density=0.3&augment=1&epochs=2&batch=25&lr=0.05', 'vgg'],
  'vgg block 4 sparse': [
    'model=vgg&density=0.3&method=set&block=4&epochs=2&batch=25&kernels=sparse',
    'vgg',
  ],
};

function data(kind: 'toy' | 'lenet' | 'vgg'): [ImageDataset, ImageDataset] {
  if (kind === 'toy') return [toyData(300, 1), toyData(200, 2)];
  if (kind === 'lenet') return [toyImages(100, 1, 16, 1), toyImages(60, 2, 16, 1)];
  return [toyImages(100, 1, 8, 3), toyImages(60, 2, 8, 3)];
}

/** FNV-1a over the bytes of the arrays: a fingerprint of the final weights, momentum and masks. */
function fingerprint(arrays: (Float32Array | Uint8Array | null)[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    if (!a) continue;
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

/**
 * Sparse momentum's runs take `momentum_window=all` (the dense momentum every step), which is
 * what every run did when the fixture was recorded; the other methods never read a window.
 */
const exact = (query: string) =>
  /method=(?!snfs)/.test(query) ? query : `${query}&momentum_window=all`;

async function record(query: string, kind: 'toy' | 'lenet' | 'vgg') {
  const { config, rejected } = decode(exact(query));
  expect(rejected).toEqual([]);
  // The confusion matrix came after the fixture; its own test checks it against testAcc.
  const epochs: Omit<EpochMetrics, 'seconds' | 'samplesPerSec' | 'confusion'>[] = [];
  const updates: MaskUpdateEvent[] = [];
  const [train, test] = data(kind);
  const trainer = new Trainer(new CpuBackend(), config, train, test, {
    epoch: ({ seconds: _s, samplesPerSec: _p, confusion: _c, ...m }) => epochs.push(m),
    maskUpdate: (u) => updates.push(u),
  });
  while (!trainer.finished) await trainer.step();
  const snap = await trainer.snapshot();
  const weights = fingerprint(snap.flatMap((l) => [l.weights, l.momentum, l.mask]));
  return JSON.parse(JSON.stringify({ epochs, updates, weights })) as unknown;
}

const recording = process.env.GOLDEN_RECORD === '1';
const recorded: Record<string, unknown> = {};

describe('golden runs (exact results recorded at bdc1ca3)', () => {
  for (const [name, [query, kind]] of Object.entries(RUNS)) {
    it(name, async () => {
      const got = await record(query, kind);
      if (recording) recorded[name] = got;
      else expect(got).toEqual((fixture as Record<string, unknown>)[name]);
    });
  }
  if (recording)
    it('writes the fixture', () => {
      writeFileSync(
        new URL('./golden.fixture.json', import.meta.url),
        JSON.stringify(recorded, null, 1) + '\n',
      );
    });
});
