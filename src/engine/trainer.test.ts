import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import { countActive } from '../sparse/momentum';
import { decode } from '../url/params';
import { toyData, toyImages } from './toyData';
import { checkpointProblem, type Checkpoint } from './checkpoint';
import { buildModel, type WeightSpec } from './model';
import {
  emptyChannels,
  evalBatchSize,
  kernelChoice,
  Trainer,
  type EpochMetrics,
  type MaskUpdateEvent,
} from './trainer';

async function run(query: string, backend = new CpuBackend()) {
  const { config, rejected } = decode(query);
  expect(rejected).toEqual([]);
  const epochs: EpochMetrics[] = [];
  const updates: MaskUpdateEvent[] = [];
  const trainer = new Trainer(backend, config, toyData(300, 1), toyData(200, 2), {
    epoch: (m) => epochs.push(m),
    maskUpdate: (u) => updates.push(u),
  });
  while (!trainer.finished) await trainer.step();
  return { trainer, epochs, updates };
}

describe('Trainer on the CPU backend', () => {
  it('constant fan-in: every layer keeps equal rows and the total stays exact through every update', async () => {
    const query =
      'hidden=16,8&density=0.25&epochs=3&batch=20&lr=0.05&structure=fanin&update_every=5&kernels=sparse';
    const { trainer, updates } = await run(query);
    expect(updates.length).toBeGreaterThan(3);
    const totals = updates.map((u) => u.layers.reduce((a, l) => a + l.activeAfter, 0));
    const start = updates[0].layers.reduce((a, l) => a + l.activeBefore, 0);
    expect(new Set(totals)).toEqual(new Set([start]));
    // Every layer ran the ELL kernels (forced sparse), and its mask rows are one length.
    expect(trainer.layerKernels().map((k) => k.kernel)).toEqual(['ell', 'ell', 'ell']);
    // The mask view names each layer's fan-in, and it accounts for every active weight.
    const last = updates[updates.length - 1].layers;
    trainer.maskView().layers.forEach((l, i) => {
      expect(l.fanIn, l.name).toBeGreaterThan(0);
      expect(l.fanIn! * l.rows).toBe(last[i].activeAfter);
    });
    for (const p of (
      trainer as unknown as { store: { params: { spec: WeightSpec; unitMask: Uint8Array }[] } }
    ).store.params) {
      const { inFeatures: cols, outFeatures: rows } = p.spec;
      const perRow = Array.from({ length: rows }, (_, r) =>
        countActive(p.unitMask.subarray(r * cols, (r + 1) * cols)),
      );
      expect(new Set(perRow).size, p.spec.name).toBe(1);
    }
  });

  it("counts the test set's confusion matrix: every image once, the diagonal is the accuracy", async () => {
    const { epochs } = await run('hidden=16,8&density=0.25&epochs=2&batch=20&lr=0.05');
    for (const e of epochs) {
      expect(e.confusion).toHaveLength(4);
      const total = e.confusion.flat().reduce((a, b) => a + b, 0);
      const diagonal = e.confusion.reduce((a, row, t) => a + row[t], 0);
      expect(total).toBe(200);
      expect(diagonal).toBe(Math.round(e.testAcc * 200));
    }
  });

  it('the quick test-sample accuracy changes nothing in training and agrees with the full test', async () => {
    const { config } = decode('hidden=16,8&density=0.25&epochs=2&batch=20&lr=0.05&seed=4');
    const runWith = async (subsetEvery: number) => {
      const epochs: EpochMetrics[] = [];
      const samples: { globalStep: number; acc: number; images: number }[] = [];
      const trainer = new Trainer(
        new CpuBackend(),
        config,
        toyData(300, 1),
        toyData(200, 2),
        { epoch: (m) => epochs.push(m), subsetEval: (e) => samples.push(e) },
        { subsetEvery },
      );
      while (!trainer.finished) await trainer.step();
      const timeless = epochs.map(({ seconds: _s, samplesPerSec: _r, ...rest }) => rest);
      return { timeless, samples, trainer };
    };
    const plain = await runWith(0);
    const sampled = await runWith(4);
    expect(plain.samples).toEqual([]);
    expect(sampled.samples.map((e) => e.globalStep)).toEqual([4, 8, 10, 12, 16, 20, 24, 28]);
    expect(sampled.timeless).toEqual(plain.timeless);
    // 200 test images are fewer than an evaluation batch: the sample is the whole test set,
    // in another order, so the same count of right answers.
    expect(sampled.samples[0].images).toBe(200);
    const last = await sampled.trainer.evaluateSubset();
    const full = await sampled.trainer.evaluate();
    expect(last.acc).toBe(full.acc);
  });

  it('learns, keeps masked weights at zero and the total density exact', async () => {
    const { trainer, epochs, updates } = await run(
      'hidden=16,8&density=0.25&epochs=4&batch=20&lr=0.05',
    );
    expect(epochs).toHaveLength(4);
    expect(updates).toHaveLength(3); // end of every epoch except the last
    expect(epochs[3].testAcc).toBeGreaterThan(0.9);
    expect(epochs[3].trainLoss).toBeLessThan(epochs[0].trainLoss);
    const total = 32 * 16 + 16 * 8 + 8 * 4;
    for (const e of epochs)
      expect(Math.round(e.density * total)).toBe(
        Math.round(0.25 * 32 * 16) + Math.round(0.25 * 16 * 8) + Math.round(0.25 * 8 * 4),
      );
    for (const u of updates) {
      const pruned = u.layers.reduce((s, l) => s + l.pruned, 0);
      const regrown = u.layers.reduce((s, l) => s + l.regrown, 0);
      expect(regrown).toBe(pruned);
    }
    for (const layer of await trainer.snapshot()) {
      expect(layer.mask).not.toBeNull();
      for (let i = 0; i < layer.weights.length; i++)
        if (!layer.mask![i]) expect(layer.weights[i]).toBe(0);
      // The momentum buffer is dense: missing weights accumulate momentum too.
      let missingWithMomentum = 0;
      for (let i = 0; i < layer.momentum.length; i++)
        if (!layer.mask![i] && layer.momentum[i] !== 0) missingWithMomentum++;
      if (countActive(layer.mask!) < layer.mask!.length)
        expect(missingWithMomentum).toBeGreaterThan(0);
      expect(countActive(layer.mask!)).toBeGreaterThan(0);
    }
  });

  it('uses the cosine prune rate at the ends of epochs', async () => {
    const { updates, trainer } = await run('hidden=16&density=0.5&epochs=3&batch=30');
    expect(trainer.stepsPerEpoch).toBe(10);
    expect(updates.map((u) => u.pruneRate)).toEqual([
      0.005 + (0.495 * (1 + Math.cos(Math.PI / 3))) / 2,
      0.005 + (0.495 * (1 + Math.cos((2 * Math.PI) / 3))) / 2,
    ]);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await run('hidden=16&density=0.3&epochs=2&batch=25&seed=4');
    const b = await run('hidden=16&density=0.3&epochs=2&batch=25&seed=4');
    const c = await run('hidden=16&density=0.3&epochs=2&batch=25&seed=5');
    const strip = (e: EpochMetrics[]) =>
      e.map(({ seconds: _s, samplesPerSec: _p, ...rest }) => rest);
    expect(strip(a.epochs)).toEqual(strip(b.epochs));
    expect(strip(a.epochs)).not.toEqual(strip(c.epochs));
  });

  it('trains dense with no masks when density is 1', async () => {
    const { epochs, updates } = await run('hidden=16&density=1&epochs=2&batch=50');
    expect(updates).toHaveLength(0);
    expect(epochs[1].density).toBe(1);
    expect(epochs[1].pruneRate).toBeNull();
  });

  it('stops a diverging run with a clear message', async () => {
    await expect(
      run('hidden=16&density=0.5&epochs=3&batch=10&lr=10&momentum=0.99'),
    ).rejects.toThrow(/Training diverged: .* Try a smaller learning rate than lr=10/);
  });

  // RigL's default interval (100 steps) is longer than this toy run: use every 5 steps.
  const methodQueries: Record<string, [string, number]> = {
    set: ['method=set', 2],
    rigl: ['method=rigl&update_every=5', 6],
    static: ['method=static', 0],
  };
  for (const [method, [query, expectedUpdates]] of Object.entries(methodQueries)) {
    it(`trains with method=${method} at an exact total density`, async () => {
      const { epochs, updates, trainer } = await run(
        `${query}&hidden=16,8&density=0.25&epochs=3&batch=20&lr=0.05`,
      );
      // 15 steps an epoch, 45 in all: SET at the ends of epochs 1 and 2, RigL at 5..30 (< 75%).
      expect(updates).toHaveLength(expectedUpdates);
      const first = epochs[0].layers.reduce((a, l) => a + l.active, 0);
      for (const e of epochs) expect(e.layers.reduce((a, l) => a + l.active, 0)).toBe(first);
      for (const u of updates) {
        expect(u.layers.reduce((a, l) => a + l.regrown, 0)).toBe(
          u.layers.reduce((a, l) => a + l.pruned, 0),
        );
      }
      // Static masks learn too, just less (the gap is what the playground shows); chance is 0.25.
      expect(epochs[2].testAcc).toBeGreaterThan(method === 'static' ? 0.4 : 0.8);
      expect(trainer.sparsity.method).toBe(method);
    });
  }

  it('never changes a static mask', async () => {
    const a = new Trainer(
      new CpuBackend(),
      decode('method=static&hidden=16&density=0.3&epochs=2&batch=50').config,
      toyData(300, 1),
      toyData(200, 2),
    );
    const before = (await a.snapshot()).map((l) => l.mask);
    while (!a.finished) await a.step();
    expect((await a.snapshot()).map((l) => l.mask)).toEqual(before);
  });

  it('RigL reads the dense gradient only at its update steps', async () => {
    const backend = new CpuBackend();
    const { config } = decode(
      'method=rigl&update_every=5&update_until=0.75&hidden=16&density=0.3&epochs=2&batch=20',
    );
    const trainer = new Trainer(backend, config, toyData(300, 1), toyData(200, 2), {
      maskUpdate: (u) => expect(u.globalStep % 5).toBe(0),
    });
    const store = trainer['store'];
    const gradientIds = new Set(store.params.map((p) => store.denseGradient(p)!.id));
    const read = backend.read.bind(backend);
    const gradientReads: number[] = [];
    backend.read = (t) => {
      if (gradientIds.has(t.id)) gradientReads.push(trainer.globalStep);
      return read(t);
    };
    while (!trainer.finished) await trainer.step();
    // 15 steps an epoch, 30 in all: updates at 5, 10, 15 and 20 (25 is past 75%), two layers each.
    expect(gradientReads).toEqual([5, 5, 10, 10, 15, 15, 20, 20]);
  });

  it('keeps block masks block-aligned in training', async () => {
    const { trainer, epochs } = await run('hidden=16,8&density=0.25&epochs=3&batch=20&block=4');
    for (const layer of await trainer.snapshot()) {
      const rows = layer.name === 'fc1' ? 16 : layer.name === 'fc2' ? 8 : 4;
      const cols = layer.weights.length / rows;
      for (let r = 0; r < rows; r += 4) {
        for (let c = 0; c < cols; c += 4) {
          const v = layer.mask![r * cols + c];
          for (let i = r; i < Math.min(rows, r + 4); i++) {
            for (let j = c; j < Math.min(cols, c + 4); j++)
              expect(layer.mask![i * cols + j]).toBe(v);
          }
        }
      }
    }
    expect(epochs).toHaveLength(3);
    // Density still counts weights: within one 4x4 tile per layer of the target, every epoch.
    const total = 32 * 16 + 16 * 8 + 8 * 4;
    for (const e of epochs)
      expect(Math.abs(e.density * total - 0.25 * total)).toBeLessThanOrEqual(3 * 16);
  });

  it('handles a last partial batch', async () => {
    const { trainer, epochs } = await run('hidden=8&density=0.5&epochs=1&batch=128');
    expect(trainer.stepsPerEpoch).toBe(3);
    expect(epochs[0].trainAcc).toBeGreaterThanOrEqual(0);
  });
});

describe('Trainer with convolutional models (CPU backend)', () => {
  it.each([
    ['vgg', 8, 3, 'model=vgg&density=0.3&augment=1'],
    ['lenet5', 16, 1, 'model=lenet5&density=0.5'],
  ])('%s learns sparse, masks conv filters and counts empty channels', async (_, side, ch, q) => {
    const { config, rejected } = decode(`${q}&epochs=3&batch=25&lr=0.05`);
    expect(rejected).toEqual([]);
    const epochs: EpochMetrics[] = [];
    const updates: MaskUpdateEvent[] = [];
    const trainer = new Trainer(
      new CpuBackend(),
      config,
      toyImages(200, 1, side, ch),
      toyImages(100, 2, side, ch),
      { epoch: (m) => epochs.push(m), maskUpdate: (u) => updates.push(u) },
    );
    while (!trainer.finished) await trainer.step();
    expect(epochs).toHaveLength(3);
    expect(epochs[2].testAcc).toBeGreaterThan(0.6);
    const names = epochs[2].layers.map((l) => l.name);
    expect(names.filter((n) => n.startsWith('conv')).length).toBe(config.model === 'vgg' ? 3 : 2);
    for (const l of epochs[2].layers) {
      if (l.name.startsWith('conv')) expect(l.emptyChannels).toBeGreaterThanOrEqual(0);
      else expect(l.emptyChannels).toBeNull();
    }
    expect(updates.length).toBe(2);
    expect(updates[0].layers.find((l) => l.name === 'conv1')!.emptyChannels).not.toBeNull();
    const snap = await trainer.snapshot();
    const total = snap.reduce((n, l) => n + l.weights.length, 0);
    expect(Math.abs(epochs[2].density * total - Math.round(config.density * total))).toBe(0);
    for (const layer of snap)
      for (let i = 0; i < layer.weights.length; i++)
        if (!layer.mask![i]) expect(layer.weights[i]).toBe(0);
    // Empty channels agree with the masks themselves.
    const conv1 = snap.find((l) => l.name === 'conv1')!;
    const rowLen = conv1.weights.length / (config.model === 'vgg' ? 16 : 20);
    let empty = 0;
    for (let o = 0; o * rowLen < conv1.weights.length; o++)
      if (conv1.mask!.subarray(o * rowLen, (o + 1) * rowLen).every((m) => m === 0)) empty++;
    expect(epochs[2].layers[0].emptyChannels).toBe(empty);
  });

  it.each(['set', 'rigl&update_every=3', 'static', 'snfs&block=4&init=erk'])(
    'runs method=%s on conv layers at an exact total density',
    async (method) => {
      const { config } = decode(`model=vgg&density=0.3&method=${method}&epochs=2&batch=25`);
      const epochs: EpochMetrics[] = [];
      const updates: MaskUpdateEvent[] = [];
      const trainer = new Trainer(
        new CpuBackend(),
        config,
        toyImages(100, 3, 8, 3),
        toyImages(50, 4, 8, 3),
        { epoch: (m) => epochs.push(m), maskUpdate: (u) => updates.push(u) },
      );
      while (!trainer.finished) await trainer.step();
      const snap = await trainer.snapshot();
      const total = snap.reduce((n, l) => n + l.weights.length, 0);
      const active = snap.reduce((n, l) => n + l.mask!.reduce((a, m) => a + m, 0), 0);
      if (config.block === 1) expect(active).toBe(Math.round(0.3 * total));
      else expect(Math.abs(active - 0.3 * total)).toBeLessThan(16 * snap.length);
      expect(epochs[1].density).toBeCloseTo(active / total, 10);
      if (method !== 'static') expect(updates.length).toBeGreaterThan(0);
      for (const u of updates) {
        const pruned = u.layers.reduce((n, l) => n + l.pruned, 0);
        expect(u.layers.reduce((n, l) => n + l.regrown, 0)).toBe(pruned);
      }
    },
  );

  it('counts a conv layer whose filters are all masked out as empty', () => {
    const spec = buildModel('lenet5', { height: 28, width: 28, channels: 1 }, [], 10)[0];
    const mask = new Uint8Array(20 * 25);
    mask[3 * 25 + 7] = 1; // only filter 3 keeps a weight
    expect(emptyChannels(spec as WeightSpec, mask)).toBe(19);
    expect(emptyChannels(spec as WeightSpec, null)).toBe(0);
  });
});

describe('evalBatchSize', () => {
  it('keeps 1000 for MLPs and shrinks for conv nets so no buffer passes ~32 MB', () => {
    const mnist = { height: 28, width: 28, channels: 1 };
    expect(evalBatchSize(buildModel('mlp', mnist, [300, 100], 10), 784)).toBe(1000);
    const lenet = buildModel('lenet5', mnist, [], 10);
    // conv2 unfolds 8x8 positions x 500 values per image: 32,000 floats.
    expect(evalBatchSize(lenet, 784)).toBe(250);
    const vgg = buildModel('vgg', { height: 32, width: 32, channels: 3 }, [], 10);
    const b = evalBatchSize(vgg, 3072);
    expect(b * 16 * 16 * 144 * 4).toBeLessThanOrEqual(32 * 2 ** 20);
    expect(b).toBeGreaterThanOrEqual(100);
  });
});

describe('checkpoints', () => {
  it.each([
    ['an MLP under sparse momentum', 'hidden=16,8&density=0.25&epochs=3&batch=20', false],
    [
      'the VGG net with BatchNorm and augmentation',
      'model=vgg&density=0.3&augment=1&epochs=3&batch=25',
      true,
    ],
    [
      'RigL on CSR kernels',
      'hidden=16,8&method=rigl&update_every=3&density=0.1&epochs=3&batch=20',
      false,
    ],
    ['SET over 4x4 blocks', 'hidden=16,8&method=set&block=4&density=0.3&epochs=3&batch=20', false],
    [
      'sparse momentum on sparse kernels',
      'hidden=16,8&density=0.1&kernels=sparse&epochs=3&batch=20',
      false,
    ],
  ])(
    'resuming %s from an epoch checkpoint gives the same run',
    async (_, query, images) => {
      const { config } = decode(query);
      const data = (seed: number, n: number) =>
        images ? toyImages(n, seed, 8, 3) : toyData(n, seed);
      const [train, test] = [data(1, 120), data(2, 60)];
      const full: EpochMetrics[] = [];
      const a = new Trainer(new CpuBackend(), config, train, test, { epoch: (m) => full.push(m) });
      while (!a.finished) await a.step();

      // The same run, interrupted in epoch 2 (as when a GPU device is lost) ...
      const before: EpochMetrics[] = [];
      const b = new Trainer(
        new CpuBackend(),
        config,
        train,
        test,
        { epoch: (m) => before.push(m) },
        {
          keepCheckpoints: true,
        },
      );
      while (before.length < 1) await b.step();
      for (let i = 0; i < 3; i++) await b.step();
      expect(b.checkpoint?.epoch).toBe(1);
      // ... and resumed on a fresh backend from the checkpoint at the end of epoch 1, as it
      // comes back from the browser's storage (a structured clone, as postMessage and IndexedDB).
      const stored = structuredClone(b.checkpoint!);
      expect(checkpointProblem(stored)).toBeNull();
      const after: EpochMetrics[] = [];
      const c = new Trainer(
        new CpuBackend(),
        config,
        train,
        test,
        { epoch: (m) => after.push(m) },
        { keepCheckpoints: true, resume: stored },
      );
      while (!c.finished) await c.step();
      expect(after.map((m) => m.epoch)).toEqual([2, 3]);
      const strip = (m: EpochMetrics) => ({ ...m, seconds: 0, samplesPerSec: 0 });
      expect([...before, ...after].map(strip)).toEqual(full.map(strip));
      const [sa, sc] = [await a.snapshot(), await c.snapshot()];
      expect(sc).toEqual(sa);
      // Three VGG runs on the CPU: seconds, more on a busy machine.
    },
    30_000,
  );
});

describe('checkpoints for saving', () => {
  const config = decode('hidden=16,8&density=0.25&epochs=3&batch=20').config;
  const [train, test] = [toyData(120, 1), toyData(60, 2)];

  it('reports one at the start and at every epoch end but the last, taken as the epoch ends', async () => {
    const seen: { epoch: number; epochsReported: number }[] = [];
    let epochsReported = 0;
    const t = new Trainer(
      new CpuBackend(),
      config,
      train,
      test,
      {
        epoch: () => epochsReported++,
        checkpoint: (c) => seen.push({ epoch: c.epoch, epochsReported }),
      },
      { keepCheckpoints: true },
    );
    while (!t.finished) await t.step();
    // Each epoch end's checkpoint follows that epoch's metrics at once (before any later step).
    expect(seen).toEqual([
      { epoch: 0, epochsReported: 0 },
      { epoch: 1, epochsReported: 1 },
      { epoch: 2, epochsReported: 2 },
    ]);
    expect(t.checkpoint?.stepsPerEpoch).toBe(6);
  });

  it("refuses a checkpoint of another model, another epoch length or after the run's end", async () => {
    const kept: Checkpoint[] = [];
    const t = new Trainer(
      new CpuBackend(),
      config,
      train,
      test,
      {
        checkpoint: (c) => kept.push(c),
      },
      { keepCheckpoints: true },
    );
    while (kept.length < 2) await t.step();
    const c = kept[1];
    const resume = (query: string, checkpoint: Checkpoint, n = 120) =>
      new Trainer(
        new CpuBackend(),
        decode(query).config,
        toyData(n, 1),
        test,
        {},
        {
          resume: checkpoint,
        },
      );
    expect(() => resume('hidden=16,4&density=0.25&epochs=3&batch=20', c)).toThrow(
      'the checkpoint belongs to a different model',
    );
    expect(() => resume('hidden=16,8&density=0.25&epochs=3&batch=30', c)).toThrow(
      'the checkpoint is from a run with 6 steps an epoch, this one has 4',
    );
    expect(() => resume('hidden=16,8&density=0.25&epochs=1&batch=20', c)).toThrow(
      'the checkpoint is from after epoch 1; this run has 1',
    );
    expect(() => resume('hidden=16,8&density=0.25&epochs=3&batch=20', c)).not.toThrow();
  });

  it('says what is wrong with a value that is not a checkpoint', async () => {
    const t = new Trainer(new CpuBackend(), config, train, test, {}, { keepCheckpoints: true });
    await t.step();
    const c = structuredClone(t.checkpoint!);
    expect(checkpointProblem(c)).toBeNull();
    expect(checkpointProblem(null)).toBe('it is not a checkpoint');
    expect(checkpointProblem({ ...c, rng: [1, 2, 3] })).toBe(
      'its random state is not four integers',
    );
    expect(checkpointProblem({ ...c, stepsPerEpoch: undefined })).toBe(
      'it does not say how many steps an epoch has',
    );
    // A JSON round trip turns typed arrays into plain objects: refused, not trained on.
    expect(checkpointProblem(JSON.parse(JSON.stringify(c)))).toBe(
      "a layer's weights are not float arrays",
    );
    const params = c.params.map((p) => ({ ...p, unitMask: [1, 0] }));
    expect(checkpointProblem({ ...c, params })).toBe("a layer's mask is not a byte array");
  });
});

describe('sparse kernels in training', () => {
  for (const [method, block] of [
    ['snfs', 1],
    ['set', 1],
    ['rigl', 1],
    ['static', 1],
    ['snfs', 4],
    ['set', 4],
  ] as const) {
    it(`${method}, block ${block}: sparse storage trains like dense kernels on masked weights`, async () => {
      const q = `hidden=16,8&density=0.25&epochs=3&batch=20&lr=0.05&method=${method}&block=${block}`;
      const sparse = await run(`${q}&kernels=sparse`);
      const dense = await run(`${q}&kernels=dense`);
      const want = block === 1 ? 'csr' : `block${block}`;
      for (const e of sparse.epochs) expect(e.layers.map((l) => l.kernel)).toContain(want);
      for (const e of dense.epochs)
        expect(new Set(e.layers.map((l) => l.kernel))).toEqual(new Set(['dense']));
      sparse.epochs.forEach((e, i) => {
        expect(e.density).toBeCloseTo(dense.epochs[i].density, 6);
        expect(Math.abs(e.testAcc - dense.epochs[i].testAcc)).toBeLessThan(0.06);
      });
      expect(sparse.epochs[2].testAcc).toBeGreaterThan(0.4); // chance is 0.25
      // Missing weights stay exactly zero and the masks agree with the reported counts.
      for (const layer of await sparse.trainer.snapshot()) {
        for (let i = 0; i < layer.weights.length; i++)
          if (!layer.mask![i]) expect(layer.weights[i]).toBe(0);
      }
      // The stored weights take less device memory than the dense matrices.
      const bytes = sparse.trainer.weightBytes();
      expect(bytes.stored).toBeLessThan(bytes.dense);
    });
  }

  it('sparse momentum with sparse kernels matches dense kernels closely step for step', async () => {
    const q = 'hidden=16,8&density=0.1&epochs=1&batch=20&lr=0.05&method=snfs';
    const a = await run(`${q}&kernels=sparse&momentum_window=all`);
    const b = await run(`${q}&kernels=dense`);
    // With the default momentum window (no update in one epoch, so no window either) the
    // stored weights and their momentum still match; missing weights have tracked none.
    const c = await run(`${q}&kernels=sparse`);
    const sa = await a.trainer.snapshot();
    const sb = await b.trainer.snapshot();
    const sc = await c.trainer.snapshot();
    sa.forEach((layer, l) => {
      expect(layer.mask).toEqual(sb[l].mask);
      layer.weights.forEach((w, i) => expect(w).toBeCloseTo(sb[l].weights[i], 4));
      layer.momentum.forEach((v, i) => expect(v).toBeCloseTo(sb[l].momentum[i], 4));
      sc[l].weights.forEach((w, i) => expect(w).toBeCloseTo(sb[l].weights[i], 4));
      sc[l].momentum.forEach((v, i) =>
        expect(v).toBeCloseTo(layer.mask![i] ? sb[l].momentum[i] : 0, 4),
      );
    });
  });

  it('chooses sparse kernels only where they are faster', () => {
    expect(kernelChoice(0.05, 1, 784, true)).toBe('csr');
    expect(kernelChoice(0.5, 1, 784, true)).toBe('dense');
    expect(kernelChoice(0.3, 16, 784, true)).toBe('block16');
    expect(kernelChoice(0.05, 16, 25, true)).toBe('dense');
    expect(kernelChoice(0.05, 1, 784, false)).toBe('dense');
  });
});
