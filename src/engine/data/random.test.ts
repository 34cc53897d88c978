import { describe, expect, it } from 'vitest';
import { hash32, mulberry32, normal, randInt, shuffleInPlace } from './random';

describe('random helpers', () => {
  it('mulberry32 is reproducible, in [0, 1), and seed-dependent', () => {
    const a = Array.from({ length: 1000 }, mulberry32(42));
    const b = Array.from({ length: 1000 }, mulberry32(42));
    const c = Array.from({ length: 1000 }, mulberry32(43));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
    expect(a.reduce((s, v) => s + v, 0) / a.length).toBeCloseTo(0.5, 1);
  });

  it('randInt covers [lo, hi) and nothing else', () => {
    const rng = mulberry32(1);
    const seen = new Set(Array.from({ length: 500 }, () => randInt(rng, -2, 3)));
    expect([...seen].sort((x, y) => x - y)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('shuffleInPlace permutes', () => {
    const arr = Array.from({ length: 20 }, (_, i) => i);
    shuffleInPlace(arr, mulberry32(3));
    expect(arr).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...arr].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('normal has mean 0 and variance 1', () => {
    const rng = mulberry32(9);
    const xs = Array.from({ length: 20000 }, () => normal(rng));
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('hash32 separates nearby inputs', () => {
    const hs = new Set(Array.from({ length: 100 }, (_, i) => hash32(1, i)));
    expect(hs.size).toBe(100);
    expect(hash32(1, 2)).not.toBe(hash32(2, 1));
  });
});
