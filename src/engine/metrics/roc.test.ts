import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import type { AnomalyResult, Mask } from '../types';
import { f1Max, imageAuroc, pixelAuroc, rocAuc, rocCurve } from './roc';
import { errorCodeOf } from '../testing/errors';

/** The definition: P(pos > neg) + P(pos = neg) / 2 over all pairs, O(P * N). */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let u = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (labels[i] === 0) return;
    scores.forEach((n, j) => {
      if (labels[j] !== 0) return;
      u += p > n ? 1 : p === n ? 0.5 : 0;
      pairs++;
    });
  });
  return u / pairs;
}

/** Trapezoid area under a curve. */
function area(fpr: number[], tpr: number[]): number {
  let s = 0;
  for (let i = 1; i < fpr.length; i++) s += ((fpr[i] ?? 0) - (fpr[i - 1] ?? 0)) * ((tpr[i] ?? 0) + (tpr[i - 1] ?? 0)) / 2;
  return s;
}

function randomSet(n: number, seed: number, levels: number): { scores: number[]; labels: number[] } {
  const rng = mulberry32(seed);
  const labels = Array.from({ length: n }, () => (rng() < 0.3 ? 1 : 0));
  const scores = labels.map((l) => Math.floor((rng() + 0.4 * l) * levels) / levels); // coarse: many ties
  return { scores, labels };
}

describe('rocAuc', () => {
  it('equals hand-computed values, ties counting one half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1])).toBe(0.875);
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc(Float32Array.from([0.3, 0.3, 0.1]), Uint8Array.from([1, 0, 0]))).toBe(0.75);
  });

  it.each([3, 4, 5])('equals the pairwise definition on random tied data (seed %i)', (seed) => {
    const { scores, labels } = randomSet(300, seed, 10);
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });

  it('is NaN with one class and refuses bad input', () => {
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN();
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(errorCodeOf(() => rocAuc([0.1, 0.2], [1]))).toBe('invalid-argument');
    expect(errorCodeOf(() => rocAuc([0.1, Number.NaN], [1, 0]))).toBe('invalid-argument');
  });

  it('handles a million pixels (positives U(0.5, 1.5), negatives U(0, 1): AUC 0.875)', () => {
    const n = 1_000_000;
    const rng = mulberry32(9);
    const labels = new Uint8Array(n);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rng() < 0.1 ? 1 : 0;
      scores[i] = rng() + 0.5 * (labels[i] ?? 0);
    }
    expect(Math.abs(rocAuc(scores, labels) - 0.875)).toBeLessThan(0.005);
  });
});

describe('rocCurve', () => {
  it('gives one point per distinct score from (0, 0) to (1, 1)', () => {
    expect(rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toEqual({
      fpr: [0, 0, 0.5, 0.5, 1],
      tpr: [0, 0.5, 0.5, 1, 1],
    });
    expect(rocCurve([0.5, 0.5, 0.5], [0, 1, 0])).toEqual({ fpr: [0, 1], tpr: [0, 1] });
    expect(rocCurve([0.5, 0.6], [1, 1])).toEqual({ fpr: [], tpr: [] });
  });

  it('has the exact AUC as its area when not thinned', () => {
    const { scores, labels } = randomSet(500, 8, 20);
    const { fpr, tpr } = rocCurve(scores, labels, 10_000);
    expect(area(fpr, tpr)).toBeCloseTo(rocAuc(scores, labels), 12);
  });

  it('thins to maxPoints, monotone, keeping the endpoints and the shape', () => {
    const { scores, labels } = randomSet(20_000, 6, 1e6);
    const full = rocCurve(scores, labels, 1e9);
    const thin = rocCurve(scores, labels, 50);
    expect(full.fpr.length).toBeGreaterThan(1000);
    expect(thin.fpr.length).toBeLessThanOrEqual(50);
    expect(thin.fpr.length).toBeGreaterThan(40);
    expect([thin.fpr[0], thin.tpr[0], thin.fpr.at(-1), thin.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    for (let i = 1; i < thin.fpr.length; i++) {
      expect(thin.fpr[i]).toBeGreaterThanOrEqual(thin.fpr[i - 1] ?? 0);
      expect(thin.tpr[i]).toBeGreaterThanOrEqual(thin.tpr[i - 1] ?? 0);
    }
    expect(Math.abs(area(thin.fpr, thin.tpr) - area(full.fpr, full.tpr))).toBeLessThan(0.01);
    expect(errorCodeOf(() => rocCurve(scores, labels, 1))).toBe('invalid-argument');
  });
});

describe('f1Max', () => {
  it('finds the best threshold by hand-computed F1', () => {
    // thresholds 0.8: F1 2/3; 0.4: 1/2; 0.35: 4/5; 0.1: 2/3
    const best = f1Max([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(best.f1).toBeCloseTo(0.8, 12);
    expect(best.threshold).toBe(0.35);
    expect(f1Max([1, 2], [1, 1])).toEqual({ f1: 1, threshold: 1 });
    expect(f1Max([0.3, 0.3, 0.3], [1, 0, 0]).f1).toBeCloseTo(0.5, 12); // ties: all or nothing
    expect(f1Max([1, 2], [0, 0]).f1).toBeNaN();
  });
});

describe('pixelAuroc and imageAuroc', () => {
  const res = (values: number[], width: number): AnomalyResult => ({
    method: 'residual',
    score: Math.max(...values),
    map: Float32Array.from(values),
    width,
    height: values.length / width,
  });
  const mask = (values: number[], width: number): Mask => ({
    width,
    height: values.length / width,
    data: Uint8Array.from(values),
  });

  it('pools every pixel of every image', () => {
    const results = [res([0.1, 0.4], 2), res([0.35, 0.8], 2)];
    const masks = [mask([0, 0], 2), mask([1, 1], 2)];
    expect(pixelAuroc(results, masks)).toBe(0.75);
    expect(imageAuroc(results, [0, 1])).toBe(1);
    expect(imageAuroc([res([0.2], 1), res([0.9], 1), res([0.5], 1)], [1, 0, 1])).toBe(0);
  });

  it('refuses maps and masks that do not match', () => {
    expect(errorCodeOf(() => pixelAuroc([res([0.1, 0.4], 2)], []))).toBe('invalid-argument');
    expect(errorCodeOf(() => pixelAuroc([res([0.1, 0.4], 2)], [mask([0, 1], 1)]))).toBe('invalid-argument');
    expect(errorCodeOf(() => imageAuroc([res([0.1], 1)], [0, 1]))).toBe('invalid-argument');
  });
});
