import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

describe('Identity on wasm', () => {
  it('shares the values of its input: no new memory, and each tensor outlives the other', async () => {
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const before = tf.backend().numDataIds();
    const y = tf.clone(x);
    expect(tf.backend().numDataIds()).toBe(before);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    const z = tf.clone(y);
    y.dispose();
    expect(z.shape).toEqual([2, 2]);
    expect(Array.from(await z.data())).toEqual([1, 2, 3, 4]);
    z.dispose();
    expect(tf.backend().numDataIds()).toBe(before - 1);
  });

  it('keeps what a gradient saved: a product\'s gradient through its kept inputs', async () => {
    const a = tf.tensor([1, 2, 3]);
    const b = tf.tensor([4, 5, 6]);
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(p, q)))([a, b]);
    expect(Array.from(await ga!.data())).toEqual([4, 5, 6]);
    expect(Array.from(await gb!.data())).toEqual([1, 2, 3]);
    tf.dispose([a, b, ga!, gb!]);
  });

  it('still copies strings', async () => {
    const s = tf.tensor(['a', 'b']);
    const c = tf.clone(s);
    s.dispose();
    expect(await c.array()).toEqual(['a', 'b']);
    c.dispose();
  });
});
