import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { denseFilterGradientSimd, denseForwardSimd, denseInputGradientSimd } from './dense';
import { currentSimd } from './simd-module';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

async function expectClose(ours: Tensor2D | null, ref: tf.Tensor): Promise<void> {
  if (ours === null) throw new Error('the kernel stepped aside');
  expect(ours.shape).toEqual(ref.shape);
  const [a, b] = [await ours.data(), await ref.data()];
  for (let i = 0; i < b.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 3);
  tf.dispose([ours, ref]);
}

/** NaN in the memory the next outputs will take: a value a kernel leaves unwritten shows. */
const poison = (floats: number) => tf.dispose(tf.fill([floats], Number.NaN));

describe('the dense layers\' products on wasm', () => {
  it.each([
    // Batch 4 (one group of four images), 5 (a group and one more), 17 (past a tile of 16 rows);
    // a row of W one vector long, several, and many.
    [4, 37, 8],
    [5, 20, 12],
    [17, 40, 4],
    [16, 300, 64],
  ])('x W, dy W^T and x^T dy equal tf.matMul for x [%i, %i], W [.., %i]', async (m, k, n) => {
    const x = tf.randomNormal([m, k], 0, 1, 'float32', m) as Tensor2D;
    const w = tf.randomNormal([k, n], 0, 1, 'float32', k) as Tensor2D;
    const dy = tf.randomNormal([m, n], 0, 1, 'float32', n) as Tensor2D;
    poison(m * n);
    await expectClose(denseForwardSimd(x, w), tf.matMul(x, w));
    poison(m * k);
    await expectClose(denseInputGradientSimd(dy, w), tf.matMul(dy, w, false, true));
    poison(k * n);
    await expectClose(denseFilterGradientSimd(x, dy), tf.matMul(x, dy, true, false));
    tf.dispose([x, w, dy]);
  });

  it('give dy W^T\'s values when W\'s rows are taken in ranges (as threads share them), odd and even', async () => {
    const [m, k, n] = [5, 37, 8];
    const dy = tf.randomNormal([m, n], 0, 1, 'float32', 1) as Tensor2D;
    const w = tf.randomNormal([k, n], 0, 1, 'float32', 2) as Tensor2D;
    const out = tf.fill([m, k], Number.NaN);
    const simd = currentSimd()!;
    const [dp, wp, op] = [dy, w, out].map((t) => simd.offset(t as never));
    for (const [first, last] of [[0, 10], [10, 11], [11, 14], [14, 37]]) simd.exports.denseDots(dp!, wp!, op!, m, k, n, first!, last!);
    await expectClose(out as Tensor2D, tf.matMul(dy, w, false, true));
    tf.dispose([dy, w]);
  });

  it('step aside for a W whose rows are not whole vectors', () => {
    const x = tf.ones([2, 3]) as Tensor2D;
    const w = tf.ones([3, 6]) as Tensor2D;
    expect(denseForwardSimd(x, w)).toBeNull();
    expect(denseFilterGradientSimd(x, tf.ones([2, 6]) as Tensor2D)).toBeNull();
    tf.dispose([x, w]);
  });
});
