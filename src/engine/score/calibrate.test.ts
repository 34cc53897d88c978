import { describe, expect, it } from 'vitest';
import type { AnomalyMethod, AnomalyResult } from '../types';
import { DEFAULT_PERCENTILE, calibrate, quantileSorted } from './calibrate';
import { imageScore } from './score';
import { errorCodeOf } from '../testing/errors';

function result(values: number[], method: AnomalyMethod = 'projection'): AnomalyResult {
  const map = Float32Array.from(values);
  return { method, score: imageScore(map), map, width: values.length, height: 1 };
}

describe('quantileSorted', () => {
  it('interpolates linearly between order statistics', () => {
    const v = [10, 20, 30, 40, 50];
    expect(quantileSorted(v, 0)).toBe(10);
    expect(quantileSorted(v, 1)).toBe(50);
    expect(quantileSorted(v, 0.5)).toBe(30);
    expect(quantileSorted(v, 0.9)).toBeCloseTo(46, 10);
    expect(quantileSorted([7], 0.99)).toBe(7);
  });
});

describe('calibrate', () => {
  const a = result([4, 0, 2, 1, 3]);
  const b = result([9, 5, 8, 6, 7]);

  it('takes the percentile of all pixel scores and of image scores when there are enough images', () => {
    const c = calibrate([a, b], { percentile: 0.5 });
    expect(c.pixelThreshold).toBeCloseTo(4.5, 6); // pixels 0..9, position 4.5
    expect(c.imageThreshold).toBeCloseTo(6.5, 6); // image scores 4 and 9, 2 * 0.5 >= 1 image above
    expect(c.scaleMax).toBeCloseTo(9, 6); // max(2 * 4.5, 6.5)
    expect(c).toMatchObject({ percentile: 0.5, method: 'projection', samples: 2 });
  });

  it('takes the image threshold from the score maps when given, the pixel threshold and the colour scale from the maps', () => {
    const fineA = result([8, 0, 2, 1, 3]);
    const fineB = result([12, 5, 8, 6, 7]);
    const c = calibrate([a, b], { percentile: 0.5, score: { sigma: 0.5, results: [fineA, fineB] } });
    expect(c.pixelThreshold).toBeCloseTo(4.5, 6);
    expect(c.imageThreshold).toBeCloseTo(10, 6); // score maps' maxima 8 and 12
    expect(c.scaleMax).toBeCloseTo(10, 6); // max(2 * 4.5, 6.5, 10): the threshold stays on the scale
    expect(c.score).toEqual({ sigma: 0.5 });
    expect(errorCodeOf(() => calibrate([a, b], { score: { sigma: -1, results: [fineA, fineB] } }))).toBe('invalid-argument');
    expect(errorCodeOf(() => calibrate([a, b], { score: { sigma: 1, results: [fineA, result([1], 'residual')] } }))).toBe('invalid-argument');
  });

  it('uses the top image score when too few images to estimate the percentile', () => {
    const c = calibrate([a, b], { percentile: 0.9 });
    expect(c.pixelThreshold).toBeCloseTo(8.1, 5);
    expect(c.imageThreshold).toBe(9);
    expect(c.scaleMax).toBeCloseTo(16.2, 5);
  });

  it('defaults to the 0.99 percentile', () => {
    const many = Array.from({ length: 200 }, (_, i) => result([i / 100, 0]));
    const c = calibrate(many);
    expect(c.percentile).toBe(DEFAULT_PERCENTILE);
    expect(c.imageThreshold).toBeCloseTo(quantileSorted(many.map((r) => r.score).sort((x, y) => x - y), 0.99), 5);
    expect(c.imageThreshold).toBeLessThan(1.99);
  });

  it('keeps a positive colour scale for perfect reconstructions', () => {
    const c = calibrate([result([0, 0, 0])]);
    expect(c.pixelThreshold).toBe(0);
    expect(c.scaleMax).toBeGreaterThan(0);
  });

  it('refuses no results, mixed methods and bad percentiles', () => {
    expect(errorCodeOf(() => calibrate([]))).toBe('empty-dataset');
    expect(errorCodeOf(() => calibrate([a, result([1], 'residual')]))).toBe('invalid-argument');
    expect(errorCodeOf(() => calibrate([a], { percentile: 1.5 }))).toBe('invalid-argument');
    expect(errorCodeOf(() => calibrate([a], { percentile: Number.NaN }))).toBe('invalid-argument');
  });
});
