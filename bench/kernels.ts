// Per-kernel timings: dense matmul kernels (after autotuning) against the block-CSR and CSR
// kernels on random masks, and TensorFlow.js's matMul on the same shape.
import type { Backend, KernelArgs, KernelName, SparseTensors, Tensor } from '../src/engine/backend';
import type { GpuBackend } from '../src/gpu/backend';
import { Rng } from '../src/engine/rng';
import { blockGrid } from '../src/sparse/blocks';
import { buildSparseFormat, compactValues, sparseBytes } from '../src/sparse/format';

export interface KernelRow {
  kernel: 'forward' | 'gradInput' | 'gradWeight';
  format: 'dense' | 'csr' | 'block16' | 'block32';
  density: number;
  /** Stored weights actually used (after the random tile mask). */
  actualDensity: number;
  ms: number;
  /** Useful GFLOP/s: 2 x batch x stored weights per millisecond. */
  gflops: number;
  /** Dense time / this time, same kernel and shape. */
  speedup: number;
  /** Weight bytes on the device (values and indices) / dense weight bytes. */
  memory: number;
}

/** Runs `ops` `reps` times per submission until ~`budgetMs` has passed; returns ms per run. */
export async function timeOps(
  be: Backend,
  ops: Parameters<Backend['run']>[0],
  sync: Tensor,
  budgetMs = 300,
): Promise<number> {
  be.run(ops);
  await be.read(sync);
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) be.run(ops);
    await be.read(sync);
    const ms = performance.now() - t0;
    if (ms >= budgetMs || reps >= 4096) return ms / reps;
    reps = Math.min(4096, Math.max(reps * 2, Math.ceil((reps * budgetMs) / Math.max(ms, 1))));
  }
}

function upload(be: Backend, data: Float32Array | Uint32Array): Tensor {
  const t = be.tensor(data instanceof Float32Array ? 'f32' : 'u32', data.length);
  be.write(t, data);
  return t;
}

export interface DoubleSparsityRow {
  /** Fraction of exact zeros in the output gradient (as behind a ReLU). */
  zeros: number;
  denseMs: number;
  skipMs: number;
  speedup: number;
}

/**
 * Double sparsity: the weight gradient with zero output gradients skipped, against the best
 * dense variant, on the kernel shape with a given fraction of zeros in dy.
 */
export async function doubleSparsityBench(
  be: GpuBackend,
  shape: { batch: number; inF: number; outF: number },
  log: (s: string) => void,
): Promise<DoubleSparsityRow[]> {
  const { batch, inF, outF } = shape;
  const rng = new Rng(11);
  const x = upload(
    be,
    Float32Array.from({ length: batch * inF }, () => rng.uniform(-1, 1)),
  );
  const dw = be.tensor('f32', outF * inF);
  const rows: DoubleSparsityRow[] = [];
  for (const zeros of [0, 0.5, 0.75, 0.9]) {
    const dy = upload(
      be,
      Float32Array.from({ length: batch * outF }, () =>
        rng.next() < zeros ? 0 : rng.uniform(-1, 1),
      ),
    );
    const args = { dy, x, dw, batch, inF, outF };
    be.pin('linearGradWeight', args, { variant: 'vec4x8', constants: { WG_X: 8, WG_Y: 8 } });
    const denseMs = await timeOps(be, [be.op('linearGradWeight', args)], dw);
    be.pin('linearGradWeight', args, { variant: 'skip', constants: { WG_X: 8, WG_Y: 8 } });
    const skipMs = await timeOps(be, [be.op('linearGradWeight', args)], dw);
    rows.push({ zeros, denseMs, skipMs, speedup: denseMs / skipMs });
    log(
      `double sparsity: dy ${zeros * 100}% zeros: dense ${denseMs.toFixed(2)} ms, skipping ${skipMs.toFixed(2)} ms`,
    );
    be.release([dy]);
  }
  be.release([x, dw]);
  return rows;
}

export async function kernelBench(
  be: Backend,
  shape: { batch: number; inF: number; outF: number },
  densities: number[],
  log: (s: string) => void,
): Promise<KernelRow[]> {
  const { batch, inF, outF } = shape;
  const rng = new Rng(7);
  const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => rng.uniform(-s, s));
  const x = upload(be, rand(batch * inF));
  const dy = upload(be, rand(batch * outF));
  const w = upload(be, rand(outF * inF, 0.1));
  const bias = upload(be, rand(outF, 0.1));
  const y = be.tensor('f32', batch * outF);
  const dx = be.tensor('f32', batch * inF);
  const dw = be.tensor('f32', outF * inF);
  const dims = { batch, inF, outF };
  const dense: Record<KernelRow['kernel'], [KernelName, unknown]> = {
    forward: ['linearForward', { x, w, b: bias, y, ...dims }],
    gradInput: ['linearGradInput', { dy, w, dx, ...dims }],
    gradWeight: ['linearGradWeight', { dy, x, dw, ...dims }],
  };
  const rows: KernelRow[] = [];
  const denseMs: Record<string, number> = {};
  const flops = 2 * batch * inF * outF;
  for (const [kernel, [name, args]] of Object.entries(dense)) {
    const a = args as KernelArgs[typeof name];
    await be.tune?.(name, a);
    const ms = await timeOps(be, [be.op(name, a)], y);
    denseMs[kernel] = ms;
    rows.push({
      kernel: kernel as KernelRow['kernel'],
      format: 'dense',
      density: 1,
      actualDensity: 1,
      ms,
      gflops: flops / ms / 1e6,
      speedup: 1,
      memory: 1,
    });
    log(`dense ${kernel}: ${ms.toFixed(3)} ms`);
  }
  const formats: [KernelRow['format'], number][] = [
    ['csr', 1],
    ['block16', 16],
    ['block32', 32],
  ];
  for (const [format, block] of formats) {
    for (const density of densities) {
      const grid = blockGrid(outF, inF, block);
      const unitMask = Uint8Array.from({ length: grid.units }, () =>
        rng.next() < density ? 1 : 0,
      );
      const f = buildSparseFormat(unitMask, grid);
      let stored = 0;
      for (let u = 0; u < grid.units; u++) if (unitMask[u]) stored += grid.unitSize[u];
      const values = compactValues(rand(outF * inF, 0.1), f, grid);
      const sw: SparseTensors = {
        block,
        blockRows: f.blockRows,
        values: upload(be, values),
        rowPtr: upload(be, f.rowPtr),
        colIdx: upload(be, f.colIdx),
        colPtr: upload(be, f.colPtr),
        tEntry: upload(be, f.tEntry),
      };
      const sdw = be.tensor('f32', values.length);
      // CSR reads activations and gradients transposed; the transposes are part of its time.
      const xt = be.tensor('f32', batch * inF);
      const dyt = be.tensor('f32', batch * outF);
      const ops: Record<KernelRow['kernel'], ReturnType<Backend['op']>> = {
        forward: be.op('sparseForward', { x, w: sw, b: bias, y, ...dims }),
        gradInput: be.op('sparseGradInput', { dy, w: sw, dx, ...dims }),
        gradWeight: be.op('sparseGradWeight', { dy, x, w: sw, dw: sdw, ...dims }),
      };
      await be.tune?.('sparseForward', { x, w: sw, b: bias, y, ...dims });
      await be.tune?.('sparseGradInput', { dy, w: sw, dx, ...dims });
      const opLists: Record<KernelRow['kernel'], ReturnType<Backend['op']>[]> =
        block === 1
          ? {
              forward: [
                be.op('transpose', { src: x, dst: xt, rows: batch, cols: inF }),
                be.op('sparseForward', { x: xt, w: sw, b: bias, y, transposed: true, ...dims }),
              ],
              gradInput: [
                be.op('transpose', { src: dy, dst: dyt, rows: batch, cols: outF }),
                be.op('sparseGradInput', { dy: dyt, w: sw, dx, transposed: true, ...dims }),
              ],
              gradWeight: [
                be.op('transpose', { src: dy, dst: dyt, rows: batch, cols: outF }),
                be.op('sparseGradWeight', {
                  dy: dyt,
                  x: xt,
                  w: sw,
                  dw: sdw,
                  transposed: true,
                  ...dims,
                }),
              ],
            }
          : {
              forward: [be.op('sparseForward', { x, w: sw, b: bias, y, ...dims })],
              gradInput: [be.op('sparseGradInput', { dy, w: sw, dx, ...dims })],
              gradWeight: [ops.gradWeight],
            };
      for (const [kernel, list] of Object.entries(opLists)) {
        const ms = await timeOps(be, list, y);
        rows.push({
          kernel: kernel as KernelRow['kernel'],
          format,
          density,
          actualDensity: stored / (inF * outF),
          ms,
          gflops: (2 * batch * stored) / ms / 1e6,
          speedup: denseMs[kernel] / ms,
          memory: sparseBytes(f) / (4 * inF * outF),
        });
        log(
          `${format} d=${density} ${kernel}: ${ms.toFixed(3)} ms (${(denseMs[kernel] / ms).toFixed(1)}x)`,
        );
      }
      be.release([
        sw.values,
        sw.rowPtr,
        sw.colIdx,
        sw.colPtr,
        sw.tEntry,
        sdw,
        xt,
        dyt,
        ...Object.values(ops),
        ...Object.values(opLists).flat(),
      ]);
    }
  }
  be.release([x, dy, w, bias, y, dx, dw]);
  return rows;
}
