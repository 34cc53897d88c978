import { describe, expect, it } from 'vitest';
import { alignRoc } from './roc';

describe('alignRoc', () => {
  it('puts two curves on the union of their fpr values, interpolating linearly', () => {
    const a = { fpr: [0, 0.5, 1], tpr: [0, 1, 1] };
    const b = { fpr: [0, 0.25, 1], tpr: [0, 0.5, 1] };
    const r = alignRoc([a, b]);
    expect(r.x).toEqual([0, 0.25, 0.5, 1]);
    expect(r.ys[0]).toEqual([0, 0.5, 1, 1]);
    expect(r.ys[1]?.[2]).toBeCloseTo(0.5 + 0.5 * (0.25 / 0.75), 12);
  });

  it('keeps the top of a vertical step and gives NaN for an empty curve', () => {
    const step = { fpr: [0, 0, 1], tpr: [0, 0.8, 1] };
    const r = alignRoc([step, { fpr: [], tpr: [] }]);
    expect(r.x).toEqual([0, 1]);
    expect(r.ys[0]).toEqual([0.8, 1]);
    expect(r.ys[1]?.every(Number.isNaN)).toBe(true);
  });
});
