/**
 * The drawing loops (written for speed: taps per axis, inlined look-ups, whole-pixel copies)
 * against plain per-pixel versions of the same formulas, on seeded random images of sizes that
 * enlarge, shrink and change the aspect ratio.
 */
import { describe, expect, it } from 'vitest';
import { colormapLut, lutIndex } from './colormap';
import { resampleField, resampleRgba } from './image';
import { contourMask, contourSegments } from './contour';
import { composeOverlay } from './overlay';
import { createRgba, type Rgba, type ScalarField } from './types';

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

const field = (w: number, h: number, seed: number, scale = 1): ScalarField => {
  const r = random(seed);
  return { width: w, height: h, data: Float32Array.from({ length: w * h }, () => r() * scale) };
};

const image = (w: number, h: number, seed: number): Rgba => {
  const r = random(seed);
  const out = createRgba(w, h);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.floor(r() * 256);
  return out;
};

/** One bilinear sample at output pixel (x, y), pixel centres aligned. */
function bilinearAt(value: (x: number, y: number) => number, sw: number, sh: number, x: number, y: number, w: number, h: number): number {
  const fy = Math.min(Math.max((y + 0.5) * (sh / h) - 0.5, 0), sh - 1);
  const fx = Math.min(Math.max((x + 0.5) * (sw / w) - 0.5, 0), sw - 1);
  const y0 = Math.floor(fy);
  const x0 = Math.floor(fx);
  const y1 = Math.min(y0 + 1, sh - 1);
  const x1 = Math.min(x0 + 1, sw - 1);
  const wy = fy - y0;
  const wx = fx - x0;
  const a = value(x0, y0) * (1 - wx) + value(x1, y0) * wx;
  const b = value(x0, y1) * (1 - wx) + value(x1, y1) * wx;
  return a * (1 - wy) + b * wy;
}

/** Marching squares' edge pairs per corner pattern (bits tl 8, tr 4, br 2, bl 1; edges 0 top, 1 right, 2 bottom, 3 left) and the saddles' two cuts. */
const EDGE_PAIRS = [[], [3, 2], [2, 1], [3, 1], [0, 1], [], [0, 2], [0, 3], [0, 3], [0, 2], [], [0, 1], [3, 1], [2, 1], [3, 2], []];
const SADDLE_CUTS_TL_BR = [0, 3, 2, 1];
const SADDLE_CUTS_TR_BL = [0, 1, 3, 2];

/** contourSegments as first written: a cell at a time, its corners in an array, a closure per crossing. */
function contourSegmentsReference(field: ScalarField, threshold: number): Float32Array {
  const { width: w, height: h, data } = field;
  // The values on a grid one node wider on every side: the pixel centres, and a ring below
  // any threshold whose nodes sit on the image's border.
  const [gw, gh] = [w + 2, h + 2];
  const grid = new Float32Array(gw * gh).fill(-Infinity);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) grid[(y + 1) * gw + x + 1] = data[y * w + x]!;
  const ring = (i: number, j: number) => i === 0 || j === 0 || i === gw - 1 || j === gh - 1;
  const posX = (i: number) => (i === 0 ? 0 : i === gw - 1 ? w : i - 0.5);
  const posY = (j: number) => (j === 0 ? 0 : j === gh - 1 ? h : j - 0.5);
  const out: number[] = [];
  /** Adds where the threshold falls between nodes a and b (one above, one not); at a ring node, the node itself. */
  const cross = (ai: number, aj: number, bi: number, bj: number) => {
    if (ring(ai, aj) || ring(bi, bj)) {
      const [i, j] = ring(ai, aj) ? [ai, aj] : [bi, bj];
      out.push(posX(i), posY(j));
      return;
    }
    const va = grid[aj * gw + ai]!;
    const along = (threshold - va) / (grid[bj * gw + bi]! - va);
    // NaN or infinite values: halfway.
    const t = Number.isFinite(along) ? Math.min(1, Math.max(0, along)) : 0.5;
    out.push(posX(ai) + t * (posX(bi) - posX(ai)), posY(aj) + t * (posY(bj) - posY(aj)));
  };
  /** A crossing on edge e of the cell whose top-left node is (i, j): 0 top, 1 right, 2 bottom, 3 left. */
  const onEdge = (e: number, i: number, j: number) => {
    if (e === 0) cross(i, j, i + 1, j);
    else if (e === 1) cross(i + 1, j, i + 1, j + 1);
    else if (e === 2) cross(i, j + 1, i + 1, j + 1);
    else cross(i, j, i, j + 1);
  };
  for (let j = 0; j < gh - 1; j++) {
    for (let i = 0; i < gw - 1; i++) {
      const p = j * gw + i;
      const [tl, tr, bl, br] = [grid[p]!, grid[p + 1]!, grid[p + gw]!, grid[p + gw + 1]!];
      const index = (tl > threshold ? 8 : 0) | (tr > threshold ? 4 : 0) | (br > threshold ? 2 : 0) | (bl > threshold ? 1 : 0);
      if (index === 0 || index === 15) continue;
      let edges = EDGE_PAIRS[index]!;
      // The ambiguous cells: the two corners above joined through the cell when its mean is.
      if (index === 5 || index === 10) edges = ((tl + tr + br + bl) / 4 > threshold) === (index === 5) ? SADDLE_CUTS_TL_BR : SADDLE_CUTS_TR_BL;
      for (const e of edges) onEdge(e, i, j);
    }
  }
  return Float32Array.from(out);
}


const SIZES: [number, number, number, number][] = [
  [64, 64, 384, 384],
  [7, 5, 30, 11],
  [40, 24, 13, 9],
  [1, 1, 4, 3],
  [16, 16, 16, 16],
];

describe('drawing loops against per-pixel references', () => {
  it('resampleField: the same value at every pixel', () => {
    SIZES.forEach(([sw, sh, w, h], i) => {
      const src = field(sw, sh, i + 1);
      const out = resampleField(src, w, h);
      const ref = new Float32Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) ref[y * w + x] = bilinearAt((a, b) => src.data[b * sw + a] ?? 0, sw, sh, x, y, w, h);
      expect(out).toEqual(ref);
    });
  });

  it('resampleRgba, smooth: every byte the rounded bilinear value; nearest: whole source pixels', () => {
    SIZES.forEach(([sw, sh, w, h], i) => {
      const src = image(sw, sh, i + 10);
      const smooth = resampleRgba(src, w, h, true);
      const nearest = resampleRgba(src, w, h, false);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const o = (y * w + x) * 4;
          const s = (Math.min(sh - 1, Math.floor((y * sh) / h)) * sw + Math.min(sw - 1, Math.floor((x * sw) / w))) * 4;
          for (let ch = 0; ch < 4; ch++) {
            const v = bilinearAt((a, b) => src.data[(b * sw + a) * 4 + ch] ?? 0, sw, sh, x, y, w, h);
            expect(Math.abs((smooth.data[o + ch] ?? -9) - v)).toBeLessThanOrEqual(0.5);
            expect(nearest.data[o + ch]).toBe(src.data[s + ch]);
          }
        }
      }
    });
  });

  it('nearest resample of bytes that start off a 4-byte boundary', () => {
    const backing = new Uint8ClampedArray(4 * 4 + 1);
    const src = { width: 2, height: 2, data: backing.subarray(1) };
    src.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(Array.from(resampleRgba(src, 1, 1, false).data)).toEqual([1, 2, 3, 4]);
  });

  it('composeOverlay: each pixel the base blended with the map colour, the contour where the score field crosses', () => {
    const lut = colormapLut('turbo');
    SIZES.forEach(([sw, sh, w, h], i) => {
      const base = image(w, h, i + 20);
      const map = field(sw, sh, i + 30, 0.1);
      const score = field(sw, sh, i + 40, 0.1);
      const opts = { lut, scaleMax: 0.07, opacity: 0.7, threshold: 0.05, contour: score, contourColor: [1, 2, 3] as const };
      const out = composeOverlay(base, map, opts);
      const up = resampleField(map, w, h);
      const edges = contourMask(resampleField(score, w, h), w, h, 0.05);
      const ref = createRgba(w, h);
      for (let p = 0; p < w * h; p++) {
        const v = up[p] ?? 0;
        const li = lutIndex(v, 0.07) * 3;
        const a = 0.7 * Math.min(1, (2 * v) / 0.07);
        for (let ch = 0; ch < 3; ch++) ref.data[p * 4 + ch] = edges[p] ? ch + 1 : (base.data[p * 4 + ch] ?? 0) * (1 - a) + (lut[li + ch] ?? 0) * a;
        ref.data[p * 4 + 3] = 255;
      }
      expect(out.data).toEqual(ref.data);
    });
  });

  it('contourMask: a pixel above the threshold with a 4-neighbour that is not, or on the border', () => {
    SIZES.forEach(([w, h], i) => {
      const f = field(w, h, i + 50);
      const above = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && (f.data[y * w + x] ?? 0) > 0.5;
      const ref = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (above(x, y) && (!above(x - 1, y) || !above(x + 1, y) || !above(x, y - 1) || !above(x, y + 1))) ref[y * w + x] = 1;
        }
      }
      expect(contourMask(f.data, w, h, 0.5)).toEqual(ref);
    });
  });
  it('contourSegments: the same segments, in the same order, as the plain version, with NaN and infinite values', () => {
    for (const [w, h] of [[64, 64], [7, 5], [1, 1], [40, 24], [3, 90]] as const) {
      const f = field(w, h, w * 7 + h);
      const values = f.data as Float32Array;
      // A few values no threshold compares with, and values that overflow the interpolation.
      if (values.length > 8) {
        values[Math.floor(values.length / 3)] = Number.NaN;
        values[Math.floor(values.length / 2)] = Number.POSITIVE_INFINITY;
        values[values.length - 1] = Number.NEGATIVE_INFINITY;
      }
      for (const threshold of [0.2, 0.5, 0.93]) {
        const ref = contourSegmentsReference(f, threshold);
        if (w > 1) expect(ref.length).toBeGreaterThan(0);
        expect(contourSegments(f, threshold)).toEqual(ref);
      }
    }
  });
});
