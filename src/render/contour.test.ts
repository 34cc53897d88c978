import { describe, expect, it } from 'vitest';
import { contourSegments } from './contour';
import type { ScalarField } from './types';

/** Segment endpoints as [x, y] pairs. */
function endpoints(seg: Float32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < seg.length; k += 2) out.push([seg[k]!, seg[k + 1]!]);
  return out;
}

/** Every endpoint is shared by an even number of segment ends: the lines close into loops. */
function closed(seg: Float32Array): boolean {
  const count = new Map<string, number>();
  for (const [x, y] of endpoints(seg)) count.set(`${x},${y}`, (count.get(`${x},${y}`) ?? 0) + 1);
  return [...count.values()].every((c) => c % 2 === 0);
}

function block(w: number, h: number, cells: [number, number][]): ScalarField {
  const data = new Float32Array(w * h);
  for (const [x, y] of cells) data[y * w + x] = 1;
  return { width: w, height: h, data };
}

describe('contourSegments', () => {
  it('rings a block of pixels above the threshold halfway between their centres and their neighbours', () => {
    const cells: [number, number][] = [];
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) cells.push([x, y]);
    const seg = contourSegments(block(5, 5, cells), 0.5);
    // Two straight pieces a side and the four corners cut: 12 segments around [1, 4] x [1, 4].
    expect(seg.length / 4).toBe(12);
    expect(closed(seg)).toBe(true);
    for (const [x, y] of endpoints(seg)) {
      expect(Math.min(Math.abs(x - 1), Math.abs(x - 4), Math.abs(y - 1), Math.abs(y - 4))).toBeCloseTo(0, 6);
      expect(Math.min(x, y)).toBeGreaterThanOrEqual(1);
      expect(Math.max(x, y)).toBeLessThanOrEqual(4);
    }
  });

  it('closes a region that reaches the border along the image edge', () => {
    const all = { width: 4, height: 3, data: new Float32Array(12).fill(1) };
    const seg = contourSegments(all, 0.5);
    expect(closed(seg)).toBe(true);
    for (const [x, y] of endpoints(seg)) {
      const onEdge = x === 0 || x === 4 || y === 0 || y === 3;
      expect(onEdge).toBe(true);
    }
    // Along the left edge, from near the top to near the bottom.
    expect(endpoints(seg).some(([x, y]) => x === 0 && y === 2.5)).toBe(true);
  });

  it('draws nothing where no value passes the threshold', () => {
    expect(contourSegments({ width: 3, height: 3, data: new Float32Array(9) }, 0.5).length).toBe(0);
    expect(contourSegments({ width: 3, height: 3, data: new Float32Array(9).fill(1) }, 2).length).toBe(0);
  });

  it('crosses each cell edge where the values interpolate to the threshold, in loops, on random fields', () => {
    let s = 7;
    const rand = () => ((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296);
    for (const [w, h] of [[7, 5], [16, 16], [3, 9]] as const) {
      const data = Float32Array.from({ length: w * h }, rand);
      const seg = contourSegments({ width: w, height: h, data }, 0.5);
      expect(seg.length).toBeGreaterThan(0);
      expect(closed(seg)).toBe(true);
      const at = (i: number, j: number) => data[j * w + i]!;
      for (const [x, y] of endpoints(seg)) {
        if (x === 0 || y === 0 || x === w || y === h) continue;
        // Inside the image, a crossing lies on a line between two neighbouring pixel centres.
        const [fx, fy] = [x - 0.5, y - 0.5];
        const onRow = Number.isInteger(fy);
        const [i, j] = onRow ? [Math.floor(fx), fy] : [fx, Math.floor(fy)];
        const t = onRow ? fx - i : fy - j;
        const [a, b] = onRow ? [at(i, j), at(i + 1, j)] : [at(i, j), at(i, j + 1)];
        expect(a + t * (b - a)).toBeCloseTo(0.5, 4);
      }
    }
  });

  it('keeps two diagonal pixels apart or joins them as the mean of their cell says', () => {
    // Above at (0, 0) and (1, 1) of a 2 x 2 field: the cell between the four centres is ambiguous.
    const partner = (seg: Float32Array): number => {
      // The segment inside that cell ([0.5, 1.5] square) that starts on its top edge: where it ends.
      const inCell = (v: number) => v >= 0.5 && v <= 1.5;
      for (let k = 0; k < seg.length; k += 4) {
        const [x0, y0, x1, y1] = [seg[k]!, seg[k + 1]!, seg[k + 2]!, seg[k + 3]!];
        if (![x0, y0, x1, y1].every(inCell)) continue;
        if (y0 === 0.5 && x0 > 0.5 && x0 < 1.5) return x1;
        if (y1 === 0.5 && x1 > 0.5 && x1 < 1.5) return x0;
      }
      return NaN;
    };
    const apart = contourSegments({ width: 2, height: 2, data: Float32Array.from([1, 0, 0, 1]) }, 0.6);
    const joined = contourSegments({ width: 2, height: 2, data: Float32Array.from([1, 0.5, 0.5, 1]) }, 0.6);
    expect(closed(apart) && closed(joined)).toBe(true);
    // Apart (mean 0.5): the line from the top edge cuts off the top-left pixel, ending on the left edge.
    expect(partner(apart)).toBe(0.5);
    // Joined (mean 0.75): it cuts off the top-right corner instead, ending on the right edge.
    expect(partner(joined)).toBe(1.5);
  });
});
