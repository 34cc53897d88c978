import { describe, expect, it } from 'vitest';
import { threadRoundSizes } from './bench-args';

describe('threadRoundSizes', () => {
  it('times one thread against two at every size up to 64 px, in order and once each', () => {
    expect(threadRoundSizes([128, 32, 64])).toEqual([32, 64]);
    expect(threadRoundSizes([64, 64])).toEqual([64]);
    expect(threadRoundSizes([32])).toEqual([32]);
  });
  it('falls back to the smallest size when every size is over 64 px', () => {
    expect(threadRoundSizes([256, 128])).toEqual([128]);
  });
});
