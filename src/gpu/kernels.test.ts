import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../engine/backend';
import {
  dispatch1d,
  dispatchTiles,
  KERNELS,
  packUniforms,
  sparseVariant,
  tuneCandidates,
} from './kernels';
import { uniformBlock } from './wgsl/uniforms';

describe('kernel descriptors', () => {
  it('cover every kernel, each with a WGSL entry point and its constants declared as overrides', () => {
    for (const name of KERNEL_NAMES) {
      for (const code of Object.values(KERNELS[name].sources)) {
        expect(code).toMatch(/@compute/);
        expect(code).toMatch(/fn main/);
      }
    }
    expect(KERNELS.linearForward.sources.vec4).toMatch(/override WG_X/);
    expect(KERNELS.sgdUpdate.sources.main).toMatch(/override HAS_MASK/);
  });

  it('dispatch enough 1-D workgroups, folding past the 65535 limit', () => {
    expect(dispatch1d(1, 64)).toEqual([1, 1, 1]);
    expect(dispatch1d(64, 64)).toEqual([1, 1, 1]);
    expect(dispatch1d(65, 64)).toEqual([2, 1, 1]);
    const [x, y] = dispatch1d(784 * 60000, 64);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 64).toBeGreaterThanOrEqual(784 * 60000);
  });

  it('dispatch one invocation per 4x4 tile', () => {
    expect(dispatchTiles(300, 100, 8, 8)).toEqual([10, 4, 1]);
    expect(dispatchTiles(10, 1, 8, 8)).toEqual([1, 1, 1]);
    expect(dispatchTiles(33, 32, 8, 8)).toEqual([2, 1, 1]);
  });

  it('size linear dispatches from their own arguments', () => {
    const t = { id: 1, dtype: 'f32' as const, length: 1 };
    const args = { x: t, w: t, b: t, y: t, batch: 100, inF: 784, outF: 300 };
    expect(
      KERNELS.linearForward.dispatch(args, KERNELS.linearForward.constants(args), 'vec4'),
    ).toEqual([10, 4, 1]);
    const gw = { dy: t, x: t, dw: t, batch: 100, inF: 784, outF: 300 };
    expect(
      KERNELS.linearGradWeight.dispatch(gw, KERNELS.linearGradWeight.constants(gw), 'vec4'),
    ).toEqual([25, 10, 1]);
  });

  it('dispatch 8x8 variants with a quarter of the invocations, and offer them only where they apply', () => {
    const t = { id: 1, dtype: 'f32' as const, length: 1 };
    const args = { x: t, w: t, b: t, y: t, batch: 100, inF: 784, outF: 300 };
    const c = { WG_X: 8, WG_Y: 8 };
    expect(KERNELS.linearForward.dispatch(args, c, 'vec4x8')).toEqual([5, 2, 1]);
    const variants = (a: typeof args) =>
      new Set(tuneCandidates('linearForward', a).map((x) => x.variant));
    expect(variants(args)).toEqual(new Set(['vec4', 'vec4x8']));
    expect(variants({ ...args, inF: 25 })).toEqual(new Set());
    const sparse = (block: number) => ({
      x: t,
      b: t,
      y: t,
      batch: 100,
      inF: 784,
      outF: 300,
      w: { block, blockRows: 1, values: t, rowPtr: t, colIdx: t, colPtr: t, tEntry: t },
    });
    const sv = (block: number) =>
      new Set(tuneCandidates('sparseForward', sparse(block)).map((x) => x.variant));
    expect(sv(16)).toEqual(new Set(['bsr', 'bsr8']));
    expect(sv(4)).toEqual(new Set(['bsr']));
    expect(sv(1)).toEqual(new Set());
    expect(sparseVariant(16, 27)).toBeNull();
  });

  it('read rows as vec4 only when the input width is a multiple of 4', () => {
    const t = { id: 1, dtype: 'f32' as const, length: 1 };
    expect(
      KERNELS.linearForward.variant({ x: t, w: t, b: t, y: t, batch: 3, inF: 784, outF: 300 }),
    ).toBe('vec4');
    expect(
      KERNELS.linearGradWeight.variant({ dy: t, x: t, dw: t, batch: 3, inF: 37, outF: 19 }),
    ).toBe('scalar');
    expect(KERNELS.reluForward.variant({ x: t, y: t, n: 5 })).toBe('main');
  });

  it('pack uniforms by name as u32 and f32 in a 16-byte block', () => {
    const layout = [
      ['n', 'u32'],
      ['lr', 'f32'],
    ] as const;
    const buf = packUniforms(uniformBlock(layout, { lr: 0.5, n: 7 }));
    expect(buf.byteLength).toBe(16);
    const v = new DataView(buf);
    expect(v.getUint32(0, true)).toBe(7);
    expect(v.getFloat32(4, true)).toBe(0.5);
  });
});
