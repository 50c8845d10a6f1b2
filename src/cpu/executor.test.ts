import { describe, expect, it } from 'vitest';
import type { Backend, Interrupt } from '../engine/backend';
import { toyData, toyImages } from '../engine/toyData';
import { Trainer } from '../engine/trainer';
import { decode } from '../url/params';
import { CpuBackend } from './backend';
import { runPaced, type Slices } from './executor';

/** Every row a chunk of its own, and a yield (and an interrupt) after each. */
const EVERY_ROW = { sliceMs: 0, chunkMs: 0 };

/** y[b, :] = x[b, :] * 2 + 1 over an 8 x 4 matrix: a linearForward with a diagonal-ish w. */
function forwardOp(cpu: CpuBackend) {
  const [batch, inF, outF] = [8, 4, 4];
  const x = cpu.tensor('f32', batch * inF);
  const w = cpu.tensor('f32', inF * outF);
  const b = cpu.tensor('f32', outF);
  const y = cpu.tensor('f32', batch * outF);
  cpu.write(
    x,
    Float32Array.from({ length: batch * inF }, (_, i) => i + 1),
  );
  cpu.write(
    w,
    Float32Array.from({ length: inF * outF }, (_, i) => (i % (inF + 1) === 0 ? 2 : 0)),
  );
  cpu.write(b, new Float32Array(outF).fill(1));
  return { op: cpu.op('linearForward', { x, w, b, y, batch, inF, outF }), y, outF };
}

/** Rows of y written so far (a row is written once its first output is). */
async function rowsDone(cpu: CpuBackend, y: ReturnType<typeof forwardOp>['y'], outF: number) {
  const v = await cpu.read(y);
  let n = 0;
  while (n * outF < v.length && v[n * outF] !== 0) n++;
  return n;
}

describe('the CPU backend paced executor', () => {
  it('waits inside a matmul while the interrupt waits, then finishes it exactly', async () => {
    const cpu = new CpuBackend(EVERY_ROW);
    const { op, y, outF } = forwardOp(cpu);
    let calls = 0;
    let release = () => {};
    const interrupt: Interrupt = () => {
      calls++;
      return calls === 3 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    };
    const done = cpu.submit([op], interrupt);
    while (calls < 3) await new Promise((r) => setTimeout(r, 1));
    // Paused after its third row: nothing more runs, however long the pause.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 2));
    expect(await rowsDone(cpu, y, outF)).toBe(3);
    expect(calls).toBe(3);
    release();
    await done;
    expect(calls).toBe(8);
    const sync = new CpuBackend();
    const ref = forwardOp(sync);
    sync.run([ref.op]);
    expect(await cpu.read(y)).toEqual(await sync.read(ref.y));
  });

  it('stops at the next slice when the interrupt throws, leaving the rest undone', async () => {
    const cpu = new CpuBackend(EVERY_ROW);
    const { op, y, outF } = forwardOp(cpu);
    let calls = 0;
    const interrupt: Interrupt = () =>
      ++calls === 2 ? Promise.reject(new Error('reset')) : Promise.resolve();
    await expect(cpu.submit([op, op], interrupt)).rejects.toThrow('reset');
    expect(await rowsDone(cpu, y, outF)).toBe(2);
  });

  it('lets queued messages run between slices (a Pause is seen inside one op)', async () => {
    let heard = false;
    const seenAtRow: number[] = [];
    const rows: Slices = {
      rows: 100,
      run: (from) => {
        if (heard) seenAtRow.push(from);
        const t = performance.now();
        while (performance.now() - t < 0.2); // a row of work
      },
    };
    setTimeout(() => (heard = true), 0);
    await runPaced([() => rows], undefined, { sliceMs: 1, chunkMs: 0 });
    // A timer set before the op started fired while it ran, not after it.
    expect(seenAtRow.length).toBeGreaterThan(0);
  });

  it('runs a step of every split kernel as the unsplit kernels do, bit for bit', async () => {
    // Dense and CSR matmuls, block-CSR, the optimizers, and (LeNet-5) im2col/col2im.
    const runs: [string, [ReturnType<typeof toyData>, ReturnType<typeof toyData>]][] = [
      [
        'hidden=16,8&epochs=1&batch=20&density=0.1&kernels=sparse',
        [toyData(60, 1), toyData(40, 2)],
      ],
      [
        'hidden=16,8&epochs=1&batch=20&block=4&density=0.25&kernels=sparse',
        [toyData(60, 1), toyData(40, 2)],
      ],
      ['hidden=16,8&epochs=1&batch=20&method=dense', [toyData(60, 1), toyData(40, 2)]],
      [
        'model=lenet5&density=0.5&epochs=1&batch=10',
        [toyImages(30, 1, 16, 1), toyImages(20, 2, 16, 1)],
      ],
    ];
    for (const [query, [train, test]] of runs) {
      const { config } = decode(query);
      const result = async (be: Backend) => {
        const trainer = new Trainer(
          be,
          config,
          train,
          test,
          {},
          { interrupt: () => Promise.resolve() },
        );
        while (!trainer.finished) await trainer.step();
        return (await trainer.snapshot()).map((l) => [l.weights, l.momentum]);
      };
      const whole = new CpuBackend();
      whole.submit = (ops) => Promise.resolve(whole.run(ops));
      // Every op split into single rows, with a yield every millisecond.
      const split = new CpuBackend({ sliceMs: 1, chunkMs: 0 });
      expect(await result(split), query).toEqual(await result(whole));
    }
  }, 30_000);
});
