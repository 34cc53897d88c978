import { describe, expect, it } from 'vitest';
import { lossSeries } from './lossSeries';

describe('lossSeries', () => {
  it('puts step losses and epoch validation losses on one sorted epoch axis', () => {
    const [x, train, val] = lossSeries({
      steps: [
        { x: 0.5, loss: 9 },
        { x: 1, loss: 7 },
        { x: 1.5, loss: 6 },
      ],
      history: [
        { epoch: 1, loss: 8, valLoss: 7.5 },
        { epoch: 2, loss: 5, valLoss: 5.5 },
      ],
    });
    expect(x).toEqual([0.5, 1, 1.5, 2]);
    expect(train).toEqual([9, 7, 6, 5]);
    expect(val).toEqual([null, 7.5, null, 5.5]);
  });
});
