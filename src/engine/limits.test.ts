import { describe, expect, it } from 'vitest';
import { MOST_PROJECTED_TOGETHER, projectionBatchFor } from './limits';

describe('projectionBatchFor', () => {
  it('holds the pixels of 16 images of 64 px: 16 at 64 px, 64 at 32 px, 4 at 128 px, 1 from 256 px', () => {
    expect([64, 32, 128, 256, 512].map(projectionBatchFor)).toEqual([16, 64, 4, 1, 1]);
    expect(projectionBatchFor(48)).toBe(28);
  });
  it('projects at most MOST_PROJECTED_TOGETHER images together, however small', () => {
    expect(projectionBatchFor(16)).toBe(MOST_PROJECTED_TOGETHER);
    expect(projectionBatchFor(8)).toBe(MOST_PROJECTED_TOGETHER);
  });
});
