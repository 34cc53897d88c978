import { describe, expect, it } from 'vitest';
import type { AnomalyResult } from '../types';
import { correctEdges, edgeGainFrom, gainPerPixel, withEdgeGain } from './edges';
import { imageScore } from './score';

/** A width x height map of value(d), d the distance to the nearest edge. */
function byDistance(width: number, height: number, value: (d: number) => number): AnomalyResult {
  const map = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) map[y * width + x] = value(Math.min(x, y, width - 1 - x, height - 1 - y));
  return { method: 'projection', score: imageScore(map), map, width, height };
}

describe('edgeGainFrom', () => {
  it('measures how much hotter each distance from the edge is than the middle, over a quarter of the side', () => {
    const hot = byDistance(16, 16, (d) => (d === 0 ? 3 : d === 1 ? 1.5 : 1));
    expect(edgeGainFrom([hot, hot])).toEqual([3, 1.5, 1, 1]);
  });

  it('averages the maps and never brightens a quiet edge (gain at least 1)', () => {
    const a = byDistance(12, 8, (d) => (d === 0 ? 4 : 2));
    const b = byDistance(12, 8, (d) => (d === 0 ? 0 : 2));
    expect(edgeGainFrom([a, b])).toEqual([1, 1]); // mean at d = 0 is 2, the middle's 2: band = floor(8 / 4)
    expect(edgeGainFrom([byDistance(12, 8, (d) => (d === 0 ? 1 : 2))])).toEqual([1, 1]);
  });

  it('gives no gain for no maps, mixed sizes, maps without a middle or a middle of zeros', () => {
    expect(edgeGainFrom([])).toEqual([]);
    expect(edgeGainFrom([byDistance(8, 8, () => 1), byDistance(12, 8, () => 1)])).toEqual([]);
    expect(edgeGainFrom([byDistance(3, 3, () => 1)])).toEqual([]);
    expect(edgeGainFrom([byDistance(16, 16, (d) => (d === 0 ? 1 : 0))])).toEqual([]);
  });
});

describe('correctEdges', () => {
  it('makes the normal maps it was measured on flat, and leaves the middle as it is', () => {
    const normal = byDistance(16, 10, (d) => (d === 0 ? 3 : d === 1 ? 2 : d === 2 ? 1 : 1 + d / 100));
    const gain = edgeGainFrom([normal]);
    const out = correctEdges(normal.map, 16, 10, gain);
    expect(gain.length).toBe(2);
    const inner = Array.from(normal.map).filter((v) => v < 2); // d >= 2: 1, 1.03, 1.04
    const middle = inner.reduce((a, v) => a + v, 0) / inner.length;
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 16; x++) {
        const d = Math.min(x, y, 15 - x, 9 - y);
        expect(out[y * 16 + x]).toBeCloseTo(d < gain.length ? middle : (normal.map[y * 16 + x] ?? 0), 5);
      }
    }
    expect(normal.map[0]).toBeCloseTo(3, 6); // the input is not changed
  });

  it('takes the score again from the corrected map, and is the identity without a gain', () => {
    const r = byDistance(16, 16, (d) => (d === 0 ? 5 : 1));
    const corrected = withEdgeGain(r, [5, 1, 1, 1]);
    expect(corrected.score).toBeCloseTo(1, 6);
    expect(withEdgeGain(r, [])).toBe(r);
    expect(withEdgeGain(r, undefined)).toBe(r);
  });
});

describe('gainPerPixel', () => {
  it("puts each distance's gain on its ring and 1 from the band on", () => {
    const g = gainPerPixel([3, 2], 6, 5);
    const row = (y: number) => Array.from(g.slice(y * 6, y * 6 + 6));
    expect(row(0)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(row(1)).toEqual([3, 2, 2, 2, 2, 3]);
    expect(row(2)).toEqual([3, 2, 1, 1, 2, 3]);
    expect(Array.from(gainPerPixel([], 3, 2))).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
