import { describe, expect, it } from 'vitest';
import { decode } from '../url/params';
import { resolveSparsity } from './methods';
import { anyWindow, joinMomentum, nextUpdate, resolveWindow, windowAt } from './window';

const settings = (query: string) => {
  const { config, rejected } = decode(query);
  expect(rejected).toEqual([]);
  return resolveSparsity(config);
};

/** Each step's place in the windows over a whole run, as a string: . off, S start, o on. */
function pattern(query: string, stepsPerEpoch: number, epochs: number): string {
  const s = settings(query);
  const total = stepsPerEpoch * epochs;
  let out = '';
  for (let t = 0; t < total; t++) {
    const w = windowAt(s, t, stepsPerEpoch, total);
    out += w === 'off' ? '.' : w === 'start' ? 'S' : 'o';
  }
  return out;
}

describe('momentum window', () => {
  it('is the smallest K with momentum^K <= 0.001 by default', () => {
    expect(resolveWindow('auto', 0.9)).toBe(66);
    expect(0.9 ** 66).toBeLessThanOrEqual(1e-3);
    expect(0.9 ** 65).toBeGreaterThan(1e-3);
    expect(resolveWindow('auto', 0.99)).toBe(688);
    expect(resolveWindow('auto', 0.5)).toBe(10);
    expect(resolveWindow('auto', 0)).toBe(1);
    expect(resolveWindow('all', 0.9)).toBeNull();
    expect(resolveWindow(7, 0.9)).toBe(7);
    expect(settings('momentum=0.95').momentumWindow).toBe(135);
  });

  it('covers the K steps before each update, and starts by clearing', () => {
    // update_every=10, K=3 over 30 steps: updates after steps 10 and 20 (never after the last).
    expect(pattern('update_every=10&momentum_window=3', 30, 1)).toBe(
      '.......Soo.......Soo..........',
    );
    // At the end of every epoch but the last.
    expect(pattern('momentum_window=4', 8, 3)).toBe('....Sooo....Sooo........');
  });

  it('joins windows when updates are K steps apart or closer: the momentum is never reset', () => {
    expect(pattern('update_every=10&momentum_window=10', 30, 1)).toBe(
      'Sooooooooooooooooooo..........',
    );
    expect(pattern('update_every=10', 30, 1)).toBe('Sooooooooooooooooooo..........');
  });

  it('ends with the last update (update_until freezes the mask) and is off for other methods', () => {
    expect(pattern('update_every=10&update_until=0.6&momentum_window=3', 40, 1)).toBe(
      '.......Soo.......Soo....................',
    );
    expect(pattern('momentum_window=all', 8, 3)).toBe('.'.repeat(24));
    expect(pattern('method=set&momentum_window=4', 8, 3)).toBe('.'.repeat(24));
    expect(pattern('method=rigl&momentum_window=4', 8, 3)).toBe('.'.repeat(24));
    expect(pattern('method=static', 8, 3)).toBe('.'.repeat(24));
    expect(pattern('momentum_window=4', 8, 1)).toBe('.'.repeat(8));
    expect(anyWindow(settings(''), 8, 8)).toBe(false);
    expect(anyWindow(settings(''), 8, 16)).toBe(true);
  });

  it('names the update a step feeds', () => {
    const s = settings('update_every=10');
    expect(nextUpdate(s, 0, 100, 100)).toBe(10);
    expect(nextUpdate(s, 9, 100, 100)).toBe(10);
    expect(nextUpdate(s, 10, 100, 100)).toBe(20);
    expect(nextUpdate(s, 90, 100, 100)).toBeNull();
  });

  it('joins stored and missing momentum by the mask', () => {
    const v = joinMomentum(
      Float32Array.of(1, 0, 3, 0),
      Float32Array.of(9, 8, 9, 7),
      Uint8Array.of(1, 0, 1, 0),
    );
    expect(Array.from(v)).toEqual([1, 8, 3, 7]);
  });
});
