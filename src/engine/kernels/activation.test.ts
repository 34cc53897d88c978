/**
 * The activation kernels against tfjs's ops: LeakyReLU, its gradient and the sigmoid's from the
 * output, at sizes with and without a tail past the last whole vector, zeros included; ranges of
 * values as threads share them; and the model's LeakyReLU op with its gradient against tfjs's on
 * wasm and on cpu.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { LEAK, leakyRelu } from '../model/layer';
import { activationGradSimd, leakyReluSimd } from './activation';
import { currentSimd } from './simd-module';

afterAll(() => tf.setBackend('wasm'));

/** Normal values with every fifth one 0. */
const values = (shape: number[], seed: number) =>
  tf.tidy(() => {
    const v = tf.randomNormal(shape, 0, 1, 'float32', seed);
    return tf.where(tf.equal(tf.mod(tf.range(0, v.size), 5).reshape(shape), 0), tf.zerosLike(v), v);
  });

async function expectSame(ours: Tensor | null, theirs: Tensor): Promise<void> {
  if (ours === null) throw new Error('the kernel stepped aside');
  expect(ours.shape).toEqual(theirs.shape);
  const [a, b] = [await ours.data(), await theirs.data()];
  for (let i = 0; i < b.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 6);
  tf.dispose([ours, theirs]);
}

describe('the activation kernels on wasm', () => {
  it.each([[[3, 7]], [[2, 4, 4, 8]], [[1]]])('equal tfjs\'s ops for shape %j', async (shape) => {
    expect(await useWasm()).toBe(true);
    // dy has no zeros: where y is 0, the slope shows.
    const [x, dy] = [values(shape, 1), tf.randomNormal(shape, 0, 1, 'float32', 2)];
    const y = tf.sigmoid(x);
    await expectSame(leakyReluSimd(x, LEAK), tf.leakyRelu(x, LEAK));
    await expectSame(activationGradSimd(dy, x, 'leakyrelu', LEAK), tf.mul(dy, tf.step(x, LEAK)));
    await expectSame(activationGradSimd(dy, y, 'sigmoid', LEAK), tf.mul(dy, tf.mul(y, tf.sub(1, y))));
    tf.dispose([x, dy, y]);
  });

  it('give the same values when taken in ranges (as threads share them)', async () => {
    expect(await useWasm()).toBe(true);
    const [y, dy] = [values([37], 3), tf.randomNormal([37], 0, 1, 'float32', 4)];
    const whole = activationGradSimd(dy, y, 'leakyrelu', LEAK)!;
    const out = tf.fill([37], Number.NaN);
    const simd = currentSimd()!;
    const at = [y, dy, out].map((t) => simd.offset(t as never));
    for (const [first, last] of [[0, 9], [9, 10], [10, 37]]) simd.exports.activation(...at, first!, last!, 1, LEAK);
    expect(Array.from(await out.data())).toEqual(Array.from(await whole.data()));
    tf.dispose([y, dy, whole, out]);
  });
});

describe.each(['wasm', 'cpu'])('the model\'s LeakyReLU on %s', (backend) => {
  it('has tfjs\'s values and gradient', async () => {
    if (backend === 'wasm') expect(await useWasm()).toBe(true);
    else await tf.setBackend('cpu');
    const [x, dy] = [values([4, 9], 5), tf.randomNormal([4, 9], 0, 1, 'float32', 6)];
    const before = tf.memory().numTensors;
    const ours = tf.valueAndGrad((v: Tensor) => tf.sum(tf.mul(leakyRelu(v), dy)))(x);
    const theirs = tf.valueAndGrad((v: Tensor) => tf.sum(tf.mul(tf.leakyRelu(v, LEAK), dy)))(x);
    await expectSame(ours.grad, theirs.grad);
    await expectSame(ours.value, theirs.value);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });
});
