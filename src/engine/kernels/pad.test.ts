import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { padChannelsSimd, padSpatialSimd } from './pad';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

describe('zero padding of rows and columns on wasm', () => {
  it.each([
    [[2, 5, 7, 3], [1, 1, 1, 1]],
    [[1, 4, 4, 8], [0, 2, 3, 0]],
    [[3, 2, 9, 16], [2, 0, 0, 1]],
    [[1, 3, 3, 4], [0, 0, 0, 0]],
  ] as const)('x %j padded by %j (top, bottom, left, right) equals tf.pad', async (shape, [top, bottom, left, right]) => {
    const x = tf.randomNormal([...shape], 0, 1, 'float32', shape[2]) as Tensor4D;
    const [n, h, w, c] = shape;
    // Poison the memory the output will take, so that a value left unwritten shows.
    tf.dispose(tf.fill([n * (h + top + bottom) * (w + left + right) * c], Number.NaN));
    const ours = padSpatialSimd(x, top, bottom, left, right);
    if (ours === null) throw new Error('the kernel stepped aside');
    const ref = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    expect(ours.shape).toEqual(ref.shape);
    expect(Array.from(await ours.data())).toEqual(Array.from(await ref.data()));
    tf.dispose([x, ours, ref]);
  });

  it.each([
    // Vectors of 3 with the last pixel one at a time; a vector of 1; the general route.
    [[2, 5, 7, 3], 4],
    [[3, 4, 4, 3], 8],
    [[1, 3, 5, 1], 4],
    [[2, 3, 3, 5], 8],
    [[1, 2, 3, 2], 3],
  ] as const)('x %j padded to %i channels equals tf.pad', async (shape, channels) => {
    const x = tf.randomNormal([...shape], 0, 1, 'float32', channels) as Tensor4D;
    tf.dispose(tf.fill([(x.size / shape[3]) * channels], Number.NaN));
    const ours = padChannelsSimd(x, channels);
    if (ours === null) throw new Error('the kernel stepped aside');
    const ref = tf.pad(x, [[0, 0], [0, 0], [0, 0], [0, channels - shape[3]]]);
    expect(ours.shape).toEqual(ref.shape);
    expect(Array.from(await ours.data())).toEqual(Array.from(await ref.data()));
    tf.dispose([x, ours, ref]);
  });
});
