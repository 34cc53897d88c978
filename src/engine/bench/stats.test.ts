import { describe, expect, it } from 'vitest';
import { blockSize, median, round, sample } from './stats';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('is NaN for no values and does not reorder its input', () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('round and blockSize', () => {
  it('round keeps null and turns non-finite values into null', () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(1.23456, 3)).toBe(1.235);
    expect(round(null)).toBeNull();
    expect(round(Number.NaN)).toBeNull();
  });
  it('blockSize fills the target time, between 1 and the cap', () => {
    expect(blockSize(10, 150, 8)).toBe(8);
    expect(blockSize(50, 150, 8)).toBe(3);
    expect(blockSize(400, 150, 8)).toBe(1);
    expect(blockSize(0, 150, 8)).toBe(8);
  });
});

/** A workload on a fake clock: each call advances it by the next cost. */
function fakeWorkload(costs: number[]) {
  let t = 0;
  let i = 0;
  const calls: number[] = [];
  const run = async (n: number) => {
    calls.push(n);
    for (let k = 0; k < n; k++) t += costs[Math.min(i++, costs.length - 1)] ?? 0;
  };
  return { run, now: () => t, calls };
}

describe('sample', () => {
  it('excludes the warm-up from the samples and reports per-call means of each block', async () => {
    const w = fakeWorkload([1000, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20]);
    const s = await sample(w.run, { warmup: 1, repeats: 3, budgetMs: 10_000, blockMs: 100, maxBlock: 8, now: w.now });
    expect(s.warmupMs).toBe(1000);
    expect(s.block).toBe(5);
    expect(s.perCallMs).toEqual([20, 20, 20]);
    expect(w.calls).toEqual([1, 1, 5, 5, 5]);
  });
  it('stops adding blocks at the budget but always returns at least one sample', async () => {
    const w = fakeWorkload([500]);
    const s = await sample(w.run, { warmup: 0, repeats: 5, budgetMs: 100, blockMs: 100, maxBlock: 8, now: w.now });
    expect(s.perCallMs).toEqual([500]);
    expect(s.block).toBe(1);
    expect(w.calls).toEqual([1]);
  });
});
