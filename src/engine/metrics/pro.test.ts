import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import type { AnomalyResult, Mask } from '../types';
import { aupro, labelComponents, pixelAupro, proCurve } from './pro';
import { pixelAuroc } from './roc';
import { errorCodeOf } from '../testing/errors';

const mask = (width: number, height: number, data: number[]): Mask => ({ width, height, data: Uint8Array.from(data) });
const result = (m: Mask, map: number[]): AnomalyResult => ({ method: 'residual', score: Math.max(...map), map: Float32Array.from(map), width: m.width, height: m.height });

/**
 * 4x4, region A = pixels 0, 1 (2 px), region B = pixels 10, 11, 14, 15 (2x2), 10 normal pixels.
 * Thresholds from the top: 0.9 A (fpr 0, pro 1/2); 0.8 one normal (0.1, 1/2); 0.7 half of B
 * (0.1, 3/4); 0.6 one normal (0.2, 3/4); 0.5 two normals and a quarter of B (0.4, 7/8);
 * 0.1 the rest (1, 1).
 */
const twoRegions = mask(4, 4, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
const twoRegionsMap = [0.9, 0.9, 0.8, 0.6, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.7, 0.7, 0.1, 0.1, 0.5, 0.1];

/** PRO and FPR at each distinct threshold straight from the definition, O(thresholds * pixels). */
function naiveCurve(maps: number[][], masks: Mask[]): { fpr: number[]; pro: number[] } {
  const parts = masks.map(labelComponents);
  const thresholds = [...new Set(maps.flat())].sort((a, b) => b - a);
  const fpr = [0];
  const pro = [0];
  for (const t of thresholds) {
    let fp = 0;
    let normals = 0;
    const overlaps: number[] = [];
    parts.forEach(({ labels, count }, i) => {
      const map = maps[i] ?? [];
      labels.forEach((k, p) => {
        if (k !== 0) return;
        normals++;
        if ((map[p] ?? 0) >= t) fp++;
      });
      for (let k = 1; k <= count; k++) {
        const pixels = [...labels.keys()].filter((p) => labels[p] === k);
        overlaps.push(pixels.filter((p) => (map[p] ?? 0) >= t).length / pixels.length);
      }
    });
    fpr.push(fp / normals);
    pro.push(overlaps.reduce((a, b) => a + b, 0) / overlaps.length);
  }
  return { fpr, pro };
}

/** Trapezoid area of a curve up to x = limit, the last segment cut at the limit, over limit. */
function normalizedAreaUpTo(fpr: number[], pro: number[], limit: number): number {
  let s = 0;
  for (let i = 1; i < fpr.length; i++) {
    const x0 = fpr[i - 1] ?? 0;
    const x1 = fpr[i] ?? 0;
    const y0 = pro[i - 1] ?? 0;
    const y1 = pro[i] ?? 0;
    if (x0 >= limit) break;
    const x = Math.min(x1, limit);
    const y = x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    s += ((x - x0) * (y0 + y)) / 2;
  }
  return s / limit;
}

describe('labelComponents', () => {
  it('joins diagonal neighbours into one region (8-connectivity, as MVTec labels)', () => {
    expect(labelComponents(mask(3, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1])).count).toBe(1);
    expect(labelComponents(mask(3, 3, [1, 0, 1, 0, 0, 0, 1, 0, 1])).count).toBe(4);
    const { labels, count } = labelComponents(twoRegions);
    expect(count).toBe(2);
    expect(Array.from(labels)).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2]);
  });
});

describe('proCurve', () => {
  it('gives PRO and FPR at every threshold as computed by hand', () => {
    const c = proCurve([twoRegionsMap], [twoRegions]);
    expect(Array.from(c.fpr)).toEqual([0, 0, 0.1, 0.1, 0.2, 0.4, 1]);
    expect(Array.from(c.pro)).toEqual([0, 0.5, 0.5, 0.75, 0.75, 0.875, 1]);
  });

  it('counts a diagonal pair as one region when averaging over regions', () => {
    const m = mask(4, 4, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const map = m.data.map((_, p) => (p === 15 ? 1 : 0));
    expect(Array.from(proCurve([Array.from(map)], [m]).pro)).toEqual([0, 0.5, 1]);
  });

  it('matches the per-threshold definition on random masks with tied scores', () => {
    const rng = mulberry32(7);
    const masks = [0, 1, 2].map(() => mask(6, 5, Array.from({ length: 30 }, () => (rng() < 0.25 ? 1 : 0))));
    const maps = masks.map((m) => Array.from(m.data, (v) => Math.floor((rng() + 0.5 * v) * 8) / 8));
    const expected = naiveCurve(maps, masks);
    const c = proCurve(maps, masks);
    expect(c.fpr.length).toBe(expected.fpr.length);
    c.fpr.forEach((v, i) => expect(v).toBeCloseTo(expected.fpr[i] ?? NaN, 12));
    c.pro.forEach((v, i) => expect(v).toBeCloseTo(expected.pro[i] ?? NaN, 12));
    for (const limit of [0.05, 0.3, 1]) expect(aupro(maps, masks, limit)).toBeCloseTo(normalizedAreaUpTo(expected.fpr, expected.pro, limit), 12);
  });
});

describe('aupro', () => {
  it('integrates to FPR 0.3, interpolating there, and divides by the limit', () => {
    // 0.1 * 1/2 + 0.1 * 3/4 + 0.1 * (3/4 + 13/16) / 2, pro(0.3) = 3/4 + (1/2) * (1/8) = 13/16
    expect(aupro([twoRegionsMap], [twoRegions])).toBeCloseTo(0.203125 / 0.3, 12);
    expect(aupro([twoRegionsMap], [twoRegions], 0.2)).toBeCloseTo(0.125 / 0.2, 12);
    expect(aupro([twoRegionsMap], [twoRegions], 1)).toBeCloseTo(0.85, 12);
  });

  it('is 1 for a perfect map and 0 when every normal pixel outranks every defect pixel', () => {
    const perfect = Array.from(twoRegions.data);
    expect(aupro([perfect], [twoRegions])).toBe(1);
    expect(aupro([perfect.map((v) => 1 - v)], [twoRegions])).toBe(0);
  });

  it('counts pixels of an image without defects only in the FPR', () => {
    // Normals: 3 + 1. The clean image's pixel tops the ranking: (0.25, 0), then (0.25, 1).
    const masks = [mask(2, 2, [1, 0, 0, 0]), mask(1, 1, [0])];
    expect(Array.from(proCurve([[1, 0, 0, 0], [2]], masks).fpr)).toEqual([0, 0.25, 0.25, 1]);
    expect(aupro([[1, 0, 0, 0], [2]], masks)).toBeCloseTo(0.05 / 0.3, 12);
  });

  it('is NaN, with an empty curve, without a defect region or without a normal pixel', () => {
    expect(aupro([[0.1, 0.2]], [mask(2, 1, [0, 0])])).toBeNaN();
    expect(aupro([[0.1, 0.2]], [mask(2, 1, [1, 1])])).toBeNaN();
    expect(aupro([], [])).toBeNaN();
    expect(proCurve([[0.1, 0.2]], [mask(2, 1, [0, 0])]).fpr).toHaveLength(0);
  });

  it('rejects mismatched inputs, NaN scores and an FPR limit outside (0, 1]', () => {
    const m = mask(2, 1, [1, 0]);
    expect(errorCodeOf(() => aupro([[0.1, 0.2]], [m, m]))).toBe('invalid-argument');
    expect(errorCodeOf(() => aupro([[0.1]], [m]))).toBe('invalid-argument');
    expect(errorCodeOf(() => aupro([[0.1, Number.NaN]], [m]))).toBe('invalid-argument');
    expect(errorCodeOf(() => aupro([[0.1, 0.2]], [m], 0))).toBe('invalid-argument');
    expect(errorCodeOf(() => aupro([[0.1, 0.2]], [m], 1.5))).toBe('invalid-argument');
  });
});

describe('pixelAupro', () => {
  it('weighs every region the same whatever its size, unlike pixel AUROC', () => {
    // A 6-pixel region and a 1-pixel region; normal pixels at 0.5. Finding either one alone gives
    // PRO 1/2 up to FPR 1, so AUPRO 1/2 both ways, while pixel AUROC favours the large region.
    const m = mask(4, 4, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const findLarge = result(m, Array.from(m.data, (v, p) => (v === 0 ? 0.5 : p < 6 ? 1 : 0)));
    const findSmall = result(m, Array.from(m.data, (v, p) => (v === 0 ? 0.5 : p < 6 ? 0 : 1)));
    expect(pixelAupro([findLarge], [m])).toBeCloseTo(0.5, 12);
    expect(pixelAupro([findSmall], [m])).toBeCloseTo(0.5, 12);
    expect(pixelAuroc([findLarge], [m])).toBeCloseTo(6 / 7, 12);
    expect(pixelAuroc([findSmall], [m])).toBeCloseTo(1 / 7, 12);
  });

  it('rejects a map whose size differs from its mask', () => {
    const m = mask(2, 2, [1, 0, 0, 0]);
    expect(errorCodeOf(() => pixelAupro([{ ...result(m, [1, 0, 0, 0]), width: 4, height: 1 }], [m]))).toBe('invalid-argument');
  });
});
