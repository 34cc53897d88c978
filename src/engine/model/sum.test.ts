import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { perImageSum, sumAll, sumOver } from './sum';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

/** Value and gradient (of the sum weighted by w) of f and of tfjs's own tf.sum. */
async function compare(x: Tensor, axes: number[], keepDims: boolean): Promise<void> {
  const ours = (t: Tensor) => sumOver(t, axes, keepDims);
  const theirs = (t: Tensor) => tf.sum(t, axes, keepDims);
  const w = tf.randomNormal(theirs(x).shape, 0, 1, 'float32', 5);
  const grad = (f: (t: Tensor) => Tensor) => tf.grad((t: Tensor) => tf.sum(tf.mul(f(t), w)))(x);
  const [v1, v2, g1, g2] = await Promise.all([ours(x).data(), theirs(x).data(), grad(ours).data(), grad(theirs).data()]);
  expect(ours(x).shape).toEqual(theirs(x).shape);
  expect(v1.length).toBe(v2.length);
  v1.forEach((v, i) => expect(v).toBeCloseTo(v2[i]!, 4));
  expect(g1.length).toBe(x.size);
  g1.forEach((g, i) => expect(g).toBeCloseTo(g2[i]!, 5));
}

describe('sums with a kernel-made gradient', () => {
  it('equal tfjs\'s sum and its gradient over the image axes', async () => {
    await compare(tf.randomNormal([3, 4, 5, 2], 0, 1, 'float32', 1), [1, 2, 3], false);
  });

  it('equal them over the channels, dimensions kept', async () => {
    await compare(tf.randomNormal([2, 3, 3, 3], 0, 1, 'float32', 2), [3], true);
  });

  it('over every axis: a scalar, of a batch of images and of a matrix', async () => {
    await compare(tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 3), [0, 1, 2, 3], false);
    const m = tf.randomNormal([4, 6], 0, 1, 'float32', 4);
    expect(sumAll(m).shape).toEqual([]);
    expect(await sumAll(m).data()).toEqual(await tf.sum(m).data());
  });

  it('per image: one sum for each image of the batch', async () => {
    const x = tf.concat([tf.ones([1, 2, 2, 3]), tf.fill([1, 2, 2, 3], 2)]);
    expect(Array.from(await perImageSum(x).data())).toEqual([12, 24]);
  });
});
