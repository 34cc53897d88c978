import { describe, expect, it } from 'vitest';
import { BestEpoch, budgetReached, COSINE_FLOOR, etaMs, learningRateAt, runProgress } from './schedule';

describe('learning-rate schedule', () => {
  const cosine = { learningRate: 0.01, schedule: 'cosine' as const, warmup: 0.1 };

  it('is flat without a schedule', () => {
    [0, 0.3, 1].forEach((p) => expect(learningRateAt({ learningRate: 0.01 }, p)).toBe(0.01));
  });

  it('warms up linearly, peaks at the base rate, then decays by a half cosine to the floor', () => {
    expect(learningRateAt(cosine, 0.05)).toBeCloseTo(0.005, 8);
    expect(learningRateAt(cosine, 0.1)).toBeCloseTo(0.01, 8);
    expect(learningRateAt(cosine, 0.55)).toBeCloseTo(0.01 * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5), 8);
    expect(learningRateAt(cosine, 1)).toBeCloseTo(0.01 * COSINE_FLOOR, 8);
    let prev = Infinity;
    for (let p = 0.1; p <= 1; p += 0.05) {
      const lr = learningRateAt(cosine, p);
      expect(lr).toBeLessThanOrEqual(prev + 1e-12);
      prev = lr;
    }
  });

  it('never gives a zero rate, even at the first step', () => {
    expect(learningRateAt(cosine, 0)).toBeGreaterThan(0);
  });
});

describe('time budget', () => {
  it('counts progress by steps or by time, whichever is further', () => {
    expect(runProgress(5, 10, 1000, null)).toBe(0.5);
    expect(runProgress(5, 10, 8000, 10000)).toBe(0.8);
    expect(runProgress(50, 10, 8000, 10000)).toBe(1);
  });

  it('ends at the epoch boundary nearest the budget', () => {
    // Epochs of 300 ms and a 1 s budget: 900 ms (100 short) is nearer than 1200 (200 over).
    expect(budgetReached(600, 2, 1000)).toBe(false);
    expect(budgetReached(900, 3, 1000)).toBe(true);
    expect(budgetReached(5000, 3, null)).toBe(false);
  });

  it('caps the ETA by the time left in the budget', () => {
    expect(etaMs(10, 100, 1000, null)).toBe(9000);
    expect(etaMs(10, 100, 1000, 3000)).toBe(2000);
    expect(etaMs(10, 100, 4000, 3000)).toBe(0);
  });
});

describe('early stopping', () => {
  it('tracks the best validation loss and runs out of patience after that many epochs without a better one', () => {
    const best = new BestEpoch(2);
    const losses = [5, 4, 4.5, 3.9, 4, 4.1, 3.95];
    const verdicts = losses.map((l, i) => {
      const better = best.record(i + 1, l);
      return { better, exhausted: best.exhausted() };
    });
    expect(verdicts.map((v) => v.better)).toEqual([true, true, false, true, false, false, false]);
    expect(verdicts.map((v) => v.exhausted)).toEqual([false, false, false, false, false, true, true]);
    expect(best.epoch).toBe(4);
    expect(best.loss).toBe(3.9);
  });

  it('never stops with patience 0', () => {
    const best = new BestEpoch(0);
    [1, 2, 3, 4, 5].forEach((l, i) => best.record(i + 1, l));
    expect(best.exhausted()).toBe(false);
    expect(best.epoch).toBe(1);
  });
});
