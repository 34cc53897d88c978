import { describe, expect, it } from 'vitest';
import { calibrationProgress } from './progressText';

describe('calibrationProgress', () => {
  it("fills the bar with the scoring done, a tiled image's tiles moving it between images", () => {
    expect(calibrationProgress({ done: 0, total: 8 })).toEqual({ fraction: 0, text: 'Calibrating the threshold on held-out images… 0 %' });
    expect(calibrationProgress({ done: 5.5, total: 8 })).toEqual({ fraction: 5.5 / 8, text: 'Calibrating the threshold on held-out images… 68 %' });
    expect(calibrationProgress({ done: 10, total: 10 })).toEqual({ fraction: 1, text: 'Calibrating the threshold on held-out images… 100 %' });
    expect(calibrationProgress({ done: 11, total: 10 }).fraction).toBe(1);
  });
  it('is full, without a count, until the worker has said how many', () => {
    expect(calibrationProgress(undefined)).toEqual({ fraction: 1, text: 'Calibrating the threshold…' });
    expect(calibrationProgress({ done: 0, total: 0 })).toEqual({ fraction: 1, text: 'Calibrating the threshold…' });
  });
});
