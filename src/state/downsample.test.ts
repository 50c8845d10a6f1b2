import { describe, expect, it } from 'vitest';
import { downsample, MAX_POINTS, stride } from './downsample';

const series = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ x: i, y: Math.sin(i / 37) + (i % 1000 === 500 ? 9 : 0) }));

describe('downsample', () => {
  it('returns a short series as it is', () => {
    const s = series(MAX_POINTS);
    expect(downsample(s, (p) => p.y)).toBe(s);
  });

  it('keeps at most the bound, the first and last points, in order, and every extreme', () => {
    for (const n of [MAX_POINTS + 1, 1234, 40_000, 600_000]) {
      const s = series(n);
      const d = downsample(s, (p) => p.y);
      expect(d.length).toBeLessThanOrEqual(MAX_POINTS);
      expect(d.length).toBeGreaterThan(MAX_POINTS / 2);
      expect(d[0]).toBe(s[0]);
      expect(d.at(-1)).toBe(s[n - 1]);
      for (let i = 1; i < d.length; i++) expect(d[i].x).toBeGreaterThan(d[i - 1].x);
      // The spikes (every 1,000th point from 500 on) survive the thinning while there are
      // fewer of them than buckets; the highest and the lowest point always do.
      const spikes = s.filter((p) => p.y > 5).map((p) => p.x);
      if (spikes.length < 200) expect(d.filter((p) => p.y > 5).map((p) => p.x)).toEqual(spikes);
      const ys = (a: { y: number }[]) => a.map((p) => p.y);
      expect(ys(d).reduce((a, b) => Math.max(a, b))).toBe(ys(s).reduce((a, b) => Math.max(a, b)));
      expect(ys(d).reduce((a, b) => Math.min(a, b))).toBe(ys(s).reduce((a, b) => Math.min(a, b)));
    }
  });

  it('honours a small bound', () => {
    const d = downsample(series(100), (p) => p.y, 10);
    expect(d.length).toBeLessThanOrEqual(10);
    expect(d[0].x).toBe(0);
    expect(d.at(-1)!.x).toBe(99);
  });
});

describe('stride', () => {
  it('keeps evenly spaced items, first and last included', () => {
    const s = Array.from({ length: 6000 }, (_, i) => i);
    const d = stride(s, 200);
    expect(d).toHaveLength(200);
    expect(d[0]).toBe(0);
    expect(d.at(-1)).toBe(5999);
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeGreaterThan(d[i - 1]);
    expect(stride(s.slice(0, 150), 200)).toHaveLength(150);
  });
});
