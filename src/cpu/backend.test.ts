import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, type KernelName } from '../engine/backend';
import { CpuBackend } from './backend';
import { CPU_KERNELS } from './kernels';

describe('CPU kernel table', () => {
  it('has a twin for exactly the kernels the backend interface lists', () => {
    expect(Object.keys(CPU_KERNELS).sort()).toEqual([...KERNEL_NAMES].sort());
  });

  it('refuses an unknown kernel when the op is prepared, not when it runs', () => {
    const cpu = new CpuBackend();
    expect(() => cpu.op('toString' as KernelName, {} as never)).toThrow('unknown kernel');
  });

  it('runs an op on the tensors it was prepared with', async () => {
    const cpu = new CpuBackend();
    const [x, y] = [cpu.tensor('f32', 4), cpu.tensor('f32', 4)];
    cpu.write(x, Float32Array.of(-1, 2, -3, 4));
    cpu.run([cpu.op('reluForward', { x, y, n: 4 })]);
    expect(Array.from(await cpu.read(y))).toEqual([0, 2, 0, 4]);
  });
});
