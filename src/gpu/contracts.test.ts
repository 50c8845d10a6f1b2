// Kernel contracts checked without a GPU: for every descriptor and every variant of it, the
// WGSL declares the overrides the descriptor supplies (and needs no other), binds as many
// buffers as the descriptor passes, and has the uniform struct the descriptor packs.
import { describe, expect, it } from 'vitest';
import {
  KERNEL_NAMES,
  type KernelArgs,
  type KernelName,
  type SparseTensors,
  type Tensor,
} from '../engine/backend';
import { KERNELS, packUniforms, tuneCandidates, type KernelDescriptor } from './kernels';

const t: Tensor = { id: 1, dtype: 'f32', length: 1 };
const w = (block: number, fanIn?: number) => ({
  ...(fanIn === undefined ? {} : { fanIn }),
  // Fan-in 6 stands for an N:M matrix (padded slots, nm_* kernels).
  ...(fanIn === 6 ? { padded: true } : {}),
  block,
  blockRows: 3,
  values: t,
  rowPtr: t,
  colIdx: t,
  colPtr: t,
  tEntry: t,
});
const conv = { batch: 2, height: 7, width: 6, channels: 3, kernel: 3, stride: 1, outHeight: 7 };
const convOut = { ...conv, pad: 1, outWidth: 6, outChannels: 5 };
const pool = { ...conv, kernel: 2, stride: 2, outHeight: 3, outWidth: 3 };
/** Sparse-kernel args for each block size, and transposed, ELL (fan-in 5) and N:M for block 1. */
const sparse = <T>(blocks: number[], make: (w: SparseTensors, transposed: boolean) => T) =>
  blocks.flatMap((block) =>
    (block === 1 ? [undefined, 5, 6] : [undefined]).flatMap((fanIn) =>
      [false, block === 1].map((transposed) => ({
        ...make(w(block, fanIn), transposed),
        ...mat(784),
      })),
    ),
  );
const mat = (inF: number) => ({ batch: 8, inF, outF: 19 });
const sgd = { lr: 0.1, momentum: 0.9, wd: 0.0005, nesterov: true };
const gather = { data: t, labels: t, order: t, cursor: t, x: t, y: t, mean: [0.5], std: [0.2] };

/** Representative arguments per kernel, together reaching every variant. */
const ARGS: { [K in KernelName]: KernelArgs[K][] } = {
  gatherBatch: [
    { ...gather, aug: t, batch: 4, height: 7, width: 6, channels: 3 },
    { ...gather, aug: null, batch: 4, height: 1, width: 37, channels: 1 },
    { ...gather, aug: null, batch: 4, height: 28, width: 28, channels: 1 },
  ],
  // 3 channels one entry an invocation, 8 (and 84 patch rows) 4 x 4 blocks.
  im2col: [3, 8].flatMap((channels) => [
    { x: t, cols: t, ...conv, channels, pad: 1, outWidth: 6 },
    { x: t, cols: null, colsT: t, ...conv, channels, pad: 1, outWidth: 6 },
    { x: t, cols: t, colsT: t, ...conv, channels, pad: 1, outWidth: 6 },
  ]),
  col2im: [3, 8].map((channels) => ({ dcols: t, dx: t, ...conv, channels, pad: 1, outWidth: 6 })),
  // Overlapping windows (kernel 3, stride 1) and tiles (2/2); one channel an invocation or four.
  maxPoolForward: [3, 8].map((channels) => ({ x: t, y: t, idx: t, ...pool, channels })),
  maxPoolBackward: [pool, { ...pool, kernel: 3, stride: 1 }].flatMap((shape) =>
    [3, 8].flatMap((channels) =>
      [null, t].map((relu) => ({ dy: t, idx: t, relu, dx: t, ...shape, channels })),
    ),
  ),
  bnStats: [7, 8].flatMap((channels) =>
    [true, false].map((training) => ({
      x: t,
      stats: t,
      running: t,
      rows: 30,
      channels,
      eps: 1e-5,
      momentum: 0.1,
      training,
    })),
  ),
  bnForward: [7, 8].flatMap((channels) =>
    [false, true].map((relu) => ({ x: t, stats: t, gb: t, y: t, rows: 30, channels, relu })),
  ),
  bnGradParams: [7, 8].map((channels) => ({ x: t, dy: t, stats: t, dgb: t, rows: 30, channels })),
  bnGradInput: [7, 8].map((channels) => ({
    x: t,
    dy: t,
    stats: t,
    gb: t,
    dgb: t,
    dx: t,
    rows: 30,
    channels,
  })),
  linearForward: [37, 784].flatMap((inF) =>
    [false, true].map((relu) => ({ x: t, w: t, b: t, y: t, relu, ...mat(inF) })),
  ),
  linearGradInput: [37, 784].map((inF) => ({ dy: t, w: t, dx: t, ...mat(inF) })),
  linearGradWeight: [37, 784].map((inF) => ({ dy: t, x: t, dw: t, ...mat(inF) })),
  sparseForward: sparse([1, 4, 16], (w, transposed) => ({
    x: t,
    w,
    b: t,
    y: t,
    transposed,
    relu: transposed,
  })),
  sparseGradInput: sparse([1, 4, 16], (w, transposed) => ({ dy: t, w, dx: t, transposed })),
  sparseGradWeight: sparse([1, 16], (w, transposed) => ({ dy: t, x: t, w, dw: t, transposed })),
  sparseSgdUpdate: [1, 16].flatMap((block) =>
    [true, false].map((denseState) => ({
      w: w(block),
      g: t,
      v: t,
      inF: 784,
      outF: 300,
      denseState,
      ...sgd,
    })),
  ),
  transpose: [37, 36].map((cols) => ({ src: t, dst: t, rows: 20, cols })),
  momentumUpdate: [777, 776].map((n) => ({ v: t, g: t, n, momentum: 0.9 })),
  biasGrad: [
    ...[13, 4608].map((batch) => ({ dy: t, db: t, batch, outF: 19 })),
    { dy: t, db: t, batch: 4608, outF: 20 },
  ],
  reluForward: [1001, 1000].map((n) => ({ x: t, y: t, n })),
  reluBackward: [1001, 1000].map((n) => ({ y: t, dy: t, dx: t, n })),
  softmaxXent: [
    { logits: t, labels: t, loss: t, dlogits: t, batch: 13, classes: 10 },
    { logits: t, labels: t, loss: t, dlogits: t, accum: t, batch: 130, classes: 10 },
  ],
  sgdUpdate: [t, null].flatMap((mask) =>
    [777, 776].map((n) => ({ w: t, g: t, v: t, mask, n, ...sgd })),
  ),
  batchMetrics: [{ logits: t, labels: t, loss: t, accum: t, batch: 130, classes: 10 }],
  confusionCount: [{ logits: t, labels: t, confusion: t, batch: 130, classes: 10 }],
  sparseConvForward: [false, true].map((relu) => ({
    x: t,
    w: w(1),
    b: t,
    y: t,
    relu,
    ...convOut,
  })),
  sparseConvGradWeight: [{ dy: t, x: t, w: w(1), dw: t, ...convOut }],
  sparseConvGradInput: [{ dy: t, w: w(1), dx: t, ...convOut }],
};

/** Size and alignment of the WGSL types a uniform struct may hold (WGSL layout rules). */
const WGSL_TYPES: Record<string, { size: number; align: number }> = {
  u32: { size: 4, align: 4 },
  i32: { size: 4, align: 4 },
  f32: { size: 4, align: 4 },
  vec2u: { size: 8, align: 8 },
  vec2f: { size: 8, align: 8 },
  vec4u: { size: 16, align: 16 },
  vec4f: { size: 16, align: 16 },
};

/** The fields of `struct Params` as written in the WGSL, and the struct's byte size. */
function parseParams(code: string): { fields: [string, string][]; size: number } {
  const body = /struct Params \{([^}]*)\}/.exec(code)?.[1];
  if (body === undefined) throw new Error('no struct Params');
  const fields = [...body.matchAll(/(\w+)\s*:\s*(\w+)/g)].map(
    (m) => [m[1], m[2]] as [string, string],
  );
  let at = 0;
  let align = 4;
  for (const [, type] of fields) {
    const info = WGSL_TYPES[type];
    if (!info) throw new Error(`unknown uniform type ${type}`);
    at = Math.ceil(at / info.align) * info.align + info.size;
    align = Math.max(align, info.align);
  }
  return { fields, size: Math.ceil(at / align) * align };
}

function overrides(code: string): Map<string, boolean> {
  const decls = [...code.matchAll(/override\s+(\w+)\s*:\s*\w+\s*(=)?/g)];
  return new Map(decls.map((m) => [m[1], m[2] === '=']));
}

/** Every (variant, constants) a kernel can run with, its own pick and the tuner's, per args. */
function runs<K extends KernelName>(name: K) {
  const desc: KernelDescriptor<K> = KERNELS[name];
  return ARGS[name].flatMap((args) => {
    const own = desc.constants(args);
    const bound = { buffers: desc.buffers(args).length, uniforms: desc.uniforms(args) };
    return [
      { variant: desc.variant(args), constants: own, ...bound },
      ...tuneCandidates(name, args).map((c) => ({
        variant: c.variant,
        constants: { ...own, ...c.constants },
        ...bound,
      })),
    ];
  });
}

describe('kernel contracts', () => {
  for (const name of KERNEL_NAMES) {
    it(`${name}: every variant declares its overrides, bindings and uniform struct`, () => {
      const desc = KERNELS[name];
      const seen = new Set<string>();
      for (const { variant, constants, buffers, uniforms } of runs(name)) {
        const code = desc.sources[variant];
        const label = `${name}:${variant}`;
        expect(code, `${label} has a source`).toBeTypeOf('string');
        seen.add(variant);
        const declared = overrides(code);
        for (const c of Object.keys(constants))
          expect(declared.has(c), `${label} declares override ${c}`).toBe(true);
        for (const [c, hasDefault] of declared)
          expect(hasDefault || c in constants, `${label} gets a value for ${c}`).toBe(true);
        const bindings = [...code.matchAll(/@binding\((\d+)\)/g)].map((m) => Number(m[1]));
        const count = 1 + buffers;
        expect(bindings, `${label} bindings`).toEqual([...Array(count).keys()]);
        const struct = parseParams(code);
        expect(struct.fields, `${label} struct Params`).toEqual(desc.params.map((f) => [...f]));
        const packed = packUniforms(uniforms).byteLength;
        expect(packed, `${label} uniform bytes`).toBe(
          Math.max(16, Math.ceil(struct.size / 16) * 16),
        );
        expect(uniforms.layout, `${label} packs its own layout`).toBe(desc.params);
      }
      expect([...seen].sort(), `${name}: every variant is reachable`).toEqual(
        Object.keys(desc.sources).sort(),
      );
    });
  }

  it('pack every field at its WGSL offset (vec4 fields 16-byte aligned)', () => {
    const a = ARGS.gatherBatch[0];
    const v = new DataView(packUniforms(KERNELS.gatherBatch.uniforms(a)));
    expect(v.byteLength).toBe(48);
    expect(v.getUint32(12, true)).toBe(3);
    expect(v.getFloat32(16, true)).toBeCloseTo(0.5);
    expect(v.getFloat32(20, true)).toBe(1);
    expect(v.getFloat32(32, true)).toBeCloseTo(0.2);
    const s = new DataView(packUniforms(KERNELS.sgdUpdate.uniforms(ARGS.sgdUpdate[0])));
    expect([s.getUint32(0, true), s.getFloat32(12, true)]).toEqual([777, Math.fround(0.0005)]);
  });
});
