import { describe, expect, it } from 'vitest';
import type { ConvShape, PoolShape, SparseTensors } from '../engine/backend';
import { blockGrid } from '../sparse/blocks';
import { buildSparseFormat, compactValues } from '../sparse/format';
import { Rng } from '../engine/rng';
import * as k from './kernels';
import { cpuTensor as t } from './tensor';

/**
 * Conv -> BatchNorm (training statistics) -> ReLU -> MaxPool -> Linear -> softmax
 * cross-entropy, written with the CPU kernels; its analytic gradients are compared with
 * central finite differences for every parameter and the input.
 */
interface Geometry {
  batch: number;
  size: number;
  inC: number;
  outC: number;
  kernel: number;
  stride: number;
  pad: number;
  pool: number;
  poolStride: number;
}

function setup(g: Geometry) {
  const rng = new Rng(11);
  const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => rng.uniform(-s, s));
  const oh = Math.floor((g.size + 2 * g.pad - g.kernel) / g.stride) + 1;
  const ph = Math.floor((oh - g.pool) / g.poolStride) + 1;
  const conv: ConvShape = {
    batch: g.batch,
    height: g.size,
    width: g.size,
    channels: g.inC,
    kernel: g.kernel,
    stride: g.stride,
    pad: g.pad,
    outHeight: oh,
    outWidth: oh,
  };
  const pool: PoolShape = {
    batch: g.batch,
    height: oh,
    width: oh,
    channels: g.outC,
    kernel: g.pool,
    stride: g.poolStride,
    outHeight: ph,
    outWidth: ph,
  };
  const K = g.kernel * g.kernel * g.inC;
  const flat = ph * ph * g.outC;
  const classes = 3;
  return {
    g,
    conv,
    pool,
    K,
    flat,
    classes,
    rows: g.batch * oh * oh,
    labels: Uint32Array.from({ length: g.batch }, () => rng.int(classes)),
    params: {
      x: rand(g.batch * g.size * g.size * g.inC),
      w: rand(g.outC * K, 0.5),
      b: rand(g.outC, 0.2),
      gb: Float32Array.from([...rand(g.outC, 0.5).map((v) => 1 + v), ...rand(g.outC, 0.3)]),
      fw: rand(classes * flat, 0.5),
      fb: rand(classes, 0.2),
    },
  };
}

type Net = ReturnType<typeof setup>;

function forward(n: Net) {
  const { g, conv, pool, K, rows, flat, classes, params: p } = n;
  const cols = new Float32Array(rows * K);
  k.im2col({ x: t(p.x), cols: t(cols), ...conv });
  const c = new Float32Array(rows * g.outC);
  k.linearForward({ x: t(cols), w: t(p.w), b: t(p.b), y: t(c), batch: rows, inF: K, outF: g.outC });
  const stats = new Float32Array(2 * g.outC);
  const running = new Float32Array(2 * g.outC);
  const bnDims = { rows, channels: g.outC };
  const bnArgs = { ...bnDims, eps: 1e-5, momentum: 0.1, training: true };
  k.bnStats({ x: t(c), stats: t(stats), running: t(running), ...bnArgs });
  const bn = new Float32Array(c.length);
  k.bnForward({ x: t(c), stats: t(stats), gb: t(p.gb), y: t(bn), ...bnDims });
  const r = new Float32Array(c.length);
  k.reluForward({ x: t(bn), y: t(r), n: r.length });
  const pooled = new Float32Array(g.batch * flat);
  const idx = new Uint32Array(pooled.length);
  k.maxPoolForward({ x: t(r), y: t(pooled), idx: t(idx), ...pool });
  const z = new Float32Array(g.batch * classes);
  const fc = { batch: g.batch, inF: flat, outF: classes };
  k.linearForward({ x: t(pooled), w: t(p.fw), b: t(p.fb), y: t(z), ...fc });
  const loss = new Float32Array(g.batch);
  const dz = new Float32Array(z.length);
  const [logits, labels, dlogits] = [t(z), t(n.labels), t(dz)];
  k.softmaxXent({ logits, labels, loss: t(loss), dlogits, batch: g.batch, classes });
  const mean = loss.reduce((s, v) => s + v, 0) / g.batch;
  return { cols, c, stats, r, pooled, idx, dz, mean };
}

function backward(n: Net) {
  const { g, conv, pool, K, rows, flat, classes, params: p } = n;
  const f = forward(n);
  const grads = {
    x: new Float32Array(p.x.length),
    w: new Float32Array(p.w.length),
    b: new Float32Array(p.b.length),
    gb: new Float32Array(p.gb.length),
    fw: new Float32Array(p.fw.length),
    fb: new Float32Array(p.fb.length),
  };
  const fc = { batch: g.batch, inF: flat, outF: classes };
  const bnDims = { rows, channels: g.outC };
  const convDims = { batch: rows, inF: K, outF: g.outC };
  k.linearGradWeight({ dy: t(f.dz), x: t(f.pooled), dw: t(grads.fw), ...fc });
  k.biasGrad({ dy: t(f.dz), db: t(grads.fb), batch: g.batch, outF: classes });
  const dpooled = new Float32Array(f.pooled.length);
  k.linearGradInput({ dy: t(f.dz), w: t(p.fw), dx: t(dpooled), ...fc });
  const dr = new Float32Array(f.r.length);
  k.maxPoolBackward({ dy: t(dpooled), idx: t(f.idx), dx: t(dr), ...pool });
  const dbn = new Float32Array(f.r.length);
  k.reluBackward({ y: t(f.r), dy: t(dr), dx: t(dbn), n: dr.length });
  k.bnGradParams({ x: t(f.c), dy: t(dbn), stats: t(f.stats), dgb: t(grads.gb), ...bnDims });
  const dc = new Float32Array(f.c.length);
  const [x, dy, stats, gb, dgb] = [t(f.c), t(dbn), t(f.stats), t(p.gb), t(grads.gb)];
  k.bnGradInput({ x, dy, stats, gb, dgb, dx: t(dc), ...bnDims });
  k.linearGradWeight({ dy: t(dc), x: t(f.cols), dw: t(grads.w), ...convDims });
  k.biasGrad({ dy: t(dc), db: t(grads.b), batch: rows, outF: g.outC });
  const dcols = new Float32Array(f.cols.length);
  k.linearGradInput({ dy: t(dc), w: t(p.w), dx: t(dcols), ...convDims });
  k.col2im({ dcols: t(dcols), dx: t(grads.x), ...conv });
  return grads;
}

const GEOMETRIES: [string, Geometry][] = [
  [
    '3x3 conv, padding 1, pool 2',
    { batch: 3, size: 6, inC: 2, outC: 3, kernel: 3, stride: 1, pad: 1, pool: 2, poolStride: 2 },
  ],
  [
    '5x5 conv, no padding, stride 2, overlapping pool 3/2',
    { batch: 2, size: 11, inC: 1, outC: 2, kernel: 5, stride: 2, pad: 0, pool: 3, poolStride: 2 },
  ],
];

describe('conv / pool / batch-norm gradients (CPU kernels)', () => {
  for (const [name, geometry] of GEOMETRIES) {
    it(`match central finite differences: ${name}`, () => {
      const net = setup(geometry);
      const analytic = backward(net);
      // Small enough not to cross a ReLU or max-pool switch, large enough for f32.
      const eps = 2e-3;
      let checked = 0;
      let worst = 0;
      for (const key of ['x', 'w', 'b', 'gb', 'fw', 'fb'] as const) {
        const p = net.params[key];
        for (let i = 0; i < p.length; i++) {
          const orig = p[i];
          p[i] = orig + eps;
          const up = forward(net).mean;
          p[i] = orig - eps;
          const down = forward(net).mean;
          p[i] = orig;
          const numeric = (up - down) / (2 * eps);
          const err = Math.abs(numeric - analytic[key][i]);
          worst = Math.max(worst, err / Math.max(1e-2, Math.abs(numeric)));
          expect(
            err,
            `${key}[${i}]: numeric ${numeric}, analytic ${analytic[key][i]}`,
          ).toBeLessThan(2e-3 + 0.05 * Math.abs(numeric));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      // The conv bias feeds BatchNorm, which removes any per-channel shift: its gradient is 0.
      for (const v of analytic.b) expect(Math.abs(v)).toBeLessThan(1e-4);
      expect(worst).toBeLessThan(0.05);
    });
  }

  it('BatchNorm in evaluation mode uses the running statistics', () => {
    const x = Float32Array.from([1, 10, 3, 20, 5, 30]);
    const stats = new Float32Array(4);
    const running = Float32Array.from([0, 0, 1, 1]);
    const bn = { x: t(x), running: t(running), rows: 3, channels: 2, eps: 0, momentum: 0.1 };
    k.bnStats({ ...bn, stats: t(stats), training: true });
    // Batch means 3 and 20; biased variances 8/3 and 200/3; running uses the unbiased ones.
    expect(stats[0]).toBeCloseTo(3, 5);
    expect(stats[1]).toBeCloseTo(20, 5);
    expect(stats[2]).toBeCloseTo(1 / Math.sqrt(8 / 3), 5);
    expect(running[0]).toBeCloseTo(0.3, 5);
    expect(running[1]).toBeCloseTo(2, 5);
    expect(running[2]).toBeCloseTo(0.9 + 0.1 * 4, 5);
    expect(running[3]).toBeCloseTo(0.9 + 0.1 * 100, 5);
    const evalStats = new Float32Array(4);
    k.bnStats({ ...bn, stats: t(evalStats), training: false });
    expect(evalStats[0]).toBeCloseTo(0.3, 5);
    expect(evalStats[3]).toBeCloseTo(1 / Math.sqrt(10.9), 5);
  });
});

/**
 * The fused paths a planned step takes (src/engine/plan/fuse.ts): conv as CSR on the transposed
 * patches im2col writes beside the row-major ones, with the ReLU in its store, then max-pool
 * whose backward applies the ReLU's; its gradients against finite differences.
 */
describe('fused conv -> ReLU -> pool gradients (CPU kernels)', () => {
  const g: Geometry = {
    batch: 3,
    size: 6,
    inC: 2,
    outC: 3,
    kernel: 3,
    stride: 1,
    pad: 1,
    pool: 2,
    poolStride: 2,
  };
  const net = setup(g);
  const { conv, pool, K, rows, flat, classes, params: p } = net;
  const grid = blockGrid(g.outC, K, 1);
  const format = buildSparseFormat(new Uint8Array(grid.units).fill(1), grid);
  const sparse = (w: Float32Array): SparseTensors => ({
    block: 1,
    blockRows: format.blockRows,
    values: t(compactValues(w, format, grid)),
    rowPtr: t(format.rowPtr),
    colIdx: t(format.colIdx),
    colPtr: t(format.colPtr),
    tEntry: t(format.tEntry),
  });
  const convDims = { batch: rows, inF: K, outF: g.outC };
  const fc = { batch: g.batch, inF: flat, outF: classes };

  function run(withGrads: boolean) {
    const cols = new Float32Array(rows * K);
    const colsT = new Float32Array(rows * K);
    k.im2col({ x: t(p.x), cols: t(cols), colsT: t(colsT), ...conv });
    const r = new Float32Array(rows * g.outC);
    const w = sparse(p.w);
    k.sparseForward({
      x: t(colsT),
      w,
      b: t(p.b),
      y: t(r),
      transposed: true,
      relu: true,
      ...convDims,
    });
    const pooled = new Float32Array(g.batch * flat);
    const idx = new Uint32Array(pooled.length);
    k.maxPoolForward({ x: t(r), y: t(pooled), idx: t(idx), ...pool });
    const z = new Float32Array(g.batch * classes);
    k.linearForward({ x: t(pooled), w: t(p.fw), b: t(p.fb), y: t(z), ...fc });
    const loss = new Float32Array(g.batch);
    const dz = new Float32Array(z.length);
    const sx = { logits: t(z), labels: t(net.labels), loss: t(loss), dlogits: t(dz) };
    k.softmaxXent({ ...sx, batch: g.batch, classes });
    const mean = loss.reduce((s, v) => s + v, 0) / g.batch;
    if (!withGrads) return { mean, grads: null, r };
    const grads = { x: new Float32Array(p.x.length), w: new Float32Array(p.w.length) };
    const dpooled = new Float32Array(pooled.length);
    k.linearGradInput({ dy: t(dz), w: t(p.fw), dx: t(dpooled), ...fc });
    const dc = new Float32Array(r.length);
    k.maxPoolBackward({ dy: t(dpooled), idx: t(idx), relu: t(pooled), dx: t(dc), ...pool });
    k.linearGradWeight({ dy: t(dc), x: t(cols), dw: t(grads.w), ...convDims });
    const dcols = new Float32Array(cols.length);
    k.sparseGradInput({ dy: t(dc), w, dx: t(dcols), ...convDims });
    k.col2im({ dcols: t(dcols), dx: t(grads.x), ...conv });
    return { mean, grads, r };
  }

  it('match central finite differences for the input and the conv weights', () => {
    const fused = run(true);
    const analytic = fused.grads!;
    const eps = 2e-3;
    let checked = 0;
    for (const key of ['x', 'w'] as const) {
      const v = p[key];
      for (let i = 0; i < v.length; i++) {
        const orig = v[i];
        v[i] = orig + eps;
        const up = run(false).mean;
        v[i] = orig - eps;
        const down = run(false).mean;
        v[i] = orig;
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(numeric - analytic[key][i]), `${key}[${i}]`).toBeLessThan(
          2e-3 + 0.05 * Math.abs(numeric),
        );
        checked++;
      }
    }
    expect(checked).toBe(p.x.length + p.w.length);
    // Some conv outputs are cut by the ReLU, so its fused backward is exercised.
    expect(fused.r.filter((v) => v === 0).length).toBeGreaterThan(10);
  });
});
