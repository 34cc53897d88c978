import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/cpu';
import { kernelFlops, timeKernels } from './kernels';

beforeAll(() => useCpu());

describe('kernelFlops', () => {
  it('counts a multiply and an add per weight use', () => {
    expect(kernelFlops({ batch: 2, size: 4, width: 3, matmul: 5 })).toEqual({ conv: 2 * 2 * 4 * 4 * 3 * 3 * 9, matmul: 2 * 125 });
  });
});

describe('timeKernels', () => {
  it('times both kernels on the active backend and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const t = await timeKernels({ batch: 2, size: 8, width: 4, matmul: 16 }, { repeats: 2, budgetMs: 200 });
    expect(t.convMs).toBeGreaterThan(0);
    expect(t.matmulMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
