import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/cpu';
import { KeptWeights } from './kept-weights';

describe('KeptWeights', () => {
  beforeAll(() => useCpu());

  it('keeps what is derived from a weight, per kind, until its value changes, and frees it all on dispose', async () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3])));
    const kept = new KeptWeights();
    let made = 0;
    const transpose = (t: tf.Tensor) => {
      made++;
      return tf.transpose(t);
    };
    const first = kept.of(w, 'transposed', transpose);
    expect(first.shape).toEqual([3, 2]);
    expect(Array.from(await first.data())).toEqual([1, 4, 2, 5, 3, 6]);
    // Made inside a tidy, it outlives it.
    expect(tf.tidy(() => kept.of(w, 'transposed', transpose))).toBe(first);
    expect(first.isDisposed).toBe(false);
    expect(made).toBe(1);
    // Another kind of the same weight, several tensors at once.
    const halves = kept.of(w, 'halves', (t) => tf.split(t, [1, 1], 0));
    expect(halves.map((t) => t.shape)).toEqual([
      [1, 3],
      [1, 3],
    ]);
    expect(kept.size).toBe(3);

    tf.tidy(() => w.assign(tf.tensor2d([6, 5, 4, 3, 2, 1], [2, 3])));
    const second = kept.of(w, 'transposed', transpose);
    expect(second).not.toBe(first);
    expect(first.isDisposed).toBe(true);
    expect(Array.from(await second.data())).toEqual([6, 3, 5, 2, 4, 1]);
    const newHalves = kept.of(w, 'halves', (t) => tf.split(t, [1, 1], 0));
    expect(halves.every((t) => t.isDisposed)).toBe(true);
    expect(Array.from(await newHalves[1]!.data())).toEqual([3, 2, 1]);
    expect(kept.size).toBe(3);

    kept.dispose();
    expect(second.isDisposed).toBe(true);
    expect(kept.size).toBe(0);
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
