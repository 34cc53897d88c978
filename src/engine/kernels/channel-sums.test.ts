import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { channelSumsSimd } from './channel-sums';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

describe('SIMD channel sums on wasm', () => {
  it('equal tfjs\'s sum over batch, rows and columns, every channel block included', async () => {
    for (const shape of [
      [3, 5, 7, 8],
      [1, 1, 1, 4],
      [2, 4, 4, 12],
    ] as [number, number, number, number][]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 7) as Tensor4D;
      const before = tf.memory().numTensors;
      const ours = channelSumsSimd(x);
      if (ours === null) throw new Error('the kernel stepped aside');
      expect(tf.memory().numTensors).toBe(before + 1);
      const ref = tf.sum(x, [0, 1, 2]);
      const [a, b] = [await ours.data(), await ref.data()];
      expect(a.length).toBe(shape[3]);
      for (let c = 0; c < shape[3]; c++) expect(a[c]!).toBeCloseTo(b[c]!, 4);
      tf.dispose([x, ours, ref]);
    }
  });

  it('steps aside for channels off its block', () => {
    const x = tf.zeros([1, 2, 2, 3]) as Tensor4D;
    expect(channelSumsSimd(x)).toBeNull();
    x.dispose();
  });
});
