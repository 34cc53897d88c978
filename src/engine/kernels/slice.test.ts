import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { setSimdKernelsEnabled } from './simd-module';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

/** The block of x (values 0, 1, 2, ... in row-major order) from `begin`, `size` long, by index arithmetic. */
function reference(shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, d) => a * d, 1));
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === shape.length) {
      out.push(offset);
      return;
    }
    for (let k = 0; k < size[axis]!; k++) walk(axis + 1, offset + (begin[axis]! + k) * strides[axis]!);
  };
  walk(0, 0);
  return out;
}

describe('Slice on wasm', () => {
  it.each([
    // Channels cut (padded channels after a filter gradient), by four then one at a time.
    [[4, 6, 5, 8], [0, 0, 0, 0], [4, 6, 5, 3]],
    [[3, 3, 16, 8], [0, 0, 0, 0], [3, 3, 16, 4]],
    [[2, 3, 4, 9], [0, 0, 0, 1], [2, 3, 4, 7]],
    // Whole pixels, offsets in every axis but the channels; the batch axis alone (a contiguous block).
    [[3, 7, 6, 5], [1, 2, 1, 0], [2, 4, 3, 5]],
    [[5, 2, 2, 3], [2, 0, 0, 0], [2, 2, 2, 3]],
    // Fewer dimensions: a matrix's columns, a vector's middle, three dimensions.
    [[6, 10], [1, 3], [4, 5]],
    [[11], [2], [7]],
    [[4, 5, 6], [1, 1, 2], [2, 3, 3]],
  ])('x %j from %j, %j long, equals the block by index', async (shape, begin, size) => {
    const count = shape.reduce((a, d) => a * d, 1);
    for (const dtype of ['float32', 'int32'] as const) {
      const x = tf.tensor(Array.from({ length: count }, (_, i) => i), shape, dtype);
      // Poison the memory the output will take, so that a value left unwritten shows.
      tf.dispose(tf.fill([size.reduce((a, d) => a * d, 1)], Number.NaN));
      const y = tf.slice(x, begin, size);
      expect(y.shape).toEqual(size);
      expect(y.dtype).toBe(dtype);
      expect(Array.from(await y.data())).toEqual(reference(shape, begin, size));
      tf.dispose([x, y]);
    }
  });

  it('gives tfjs\'s own values where the engine\'s kernels are off, and an empty block', async () => {
    const x = tf.randomNormal([2, 5, 4, 6], 0, 1, 'float32', 3);
    const ours = await tf.slice(x, [0, 1, 1, 2], [2, 3, 2, 3]).data();
    setSimdKernelsEnabled(false);
    try {
      expect(Array.from(await tf.slice(x, [0, 1, 1, 2], [2, 3, 2, 3]).data())).toEqual(Array.from(ours));
    } finally {
      setSimdKernelsEnabled(true);
    }
    expect(tf.slice(x, [0, 0, 0, 0], [2, 0, 4, 6]).shape).toEqual([2, 0, 4, 6]);
  });

  it('passes gradients: the block\'s gradient lands where it was cut from', async () => {
    const x = tf.ones([1, 3, 3, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.slice(t, [0, 1, 1, 1], [1, 2, 2, 1]), 2)))(x);
    const values = Array.from(await g.data());
    expect(values.filter((v) => v === 2)).toHaveLength(4);
    expect(values.filter((v) => v === 0)).toHaveLength(14);
  });
});
