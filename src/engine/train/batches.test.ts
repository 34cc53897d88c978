import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import type { FloatImage } from '../types';
import { emptyBatchBuffers, epochOrder, makeBatch, planBatches, splitValidation } from './batches';

function images(n: number): FloatImage[] {
  return Array.from({ length: n }, (_, i) => ({ width: 2, height: 2, channels: 1, data: new Float32Array([i, i, i, i]) }));
}

describe('splitValidation', () => {
  it('holds out round(n * split), at least one, never all', () => {
    const count = (n: number, split: number): [number, number] => {
      const s = splitValidation(images(n), split, mulberry32(1));
      return [s.train.length, s.validation.length];
    };
    expect(count(10, 0.2)).toEqual([8, 2]);
    expect(count(10, 0)).toEqual([10, 0]);
    expect(count(3, 0.1)).toEqual([2, 1]);
    expect(count(2, 0.5)).toEqual([1, 1]);
    expect(count(1, 0.2)).toEqual([1, 1]);
    expect(count(1, 0)).toEqual([1, 0]);
  });

  it('is a seeded partition', () => {
    const set = images(20);
    const a = splitValidation(set, 0.25, mulberry32(3));
    const b = splitValidation(set, 0.25, mulberry32(3));
    expect(a).toEqual(b);
    const all = [...a.train, ...a.validation].map((img) => img.data[0]).sort((x, y) => (x ?? 0) - (y ?? 0));
    expect(all).toEqual(set.map((img) => img.data[0]));
  });
});

describe('batches', () => {
  it('fills every batch, covering each image at least once per epoch', () => {
    const plan = planBatches(5, 4);
    expect(plan).toEqual({ batchSize: 4, stepsPerEpoch: 2 });
    const order = epochOrder(5, plan, mulberry32(2));
    expect(order.length).toBe(8);
    expect(new Set(order).size).toBe(5);
    expect(planBatches(3, 16)).toEqual({ batchSize: 3, stepsPerEpoch: 1 });
  });

  it('stacks the chosen images in order', () => {
    const batch = makeBatch(images(4), [2, 0], { flips: false, rot90: false, maxShift: 0 }, mulberry32(1));
    expect(Array.from(batch)).toEqual([2, 2, 2, 2, 0, 0, 0, 0]);
  });

  it('assembles into the same buffers step after step, with the values of fresh ones', () => {
    const set = Array.from({ length: 5 }, (_, i) => ({ width: 3, height: 3, channels: 1 as const, data: Float32Array.from({ length: 9 }, (_, k) => i * 10 + k) }));
    const augment = { flips: true, rot90: true, maxShift: 1 };
    const [fresh, reused] = [mulberry32(4), mulberry32(4)];
    const buffers = emptyBatchBuffers();
    const first = makeBatch(set, [0, 3], augment, reused, buffers);
    expect(Array.from(first)).toEqual(Array.from(makeBatch(set, [0, 3], augment, fresh)));
    const second = makeBatch(set, [4, 1], augment, reused, buffers);
    expect(second).toBe(first);
    expect(Array.from(second)).toEqual(Array.from(makeBatch(set, [4, 1], augment, fresh)));
    // A batch of another size gets a buffer of its own.
    expect(makeBatch(set, [2], augment, reused, buffers).length).toBe(9);
  });
});
