/**
 * The dense layers' Adam step with its gradient made inside (DenseAdamSimd) against the plain
 * Adam kernel given tfjs's x^T dy: images in groups of four and the rest, rows of one vector and
 * of many, every output written, the weights' rows shared out as the helpers take them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { adamStepSimd, denseAdamApplies, denseAdamStepSimd, type AdamSettings } from './adam';
import { currentSimd } from './simd-module';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

const SETTINGS: AdamSettings = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, biasCorrection1: 0.271, biasCorrection2: 0.003 };

/** x [rows, k], dy [rows, n] and w, m, v [k, n] (v positive), seeded. */
function inputs(rows: number, k: number, n: number) {
  const x = tf.randomNormal([rows, k], 0, 1, 'float32', rows) as Tensor2D;
  const dy = tf.randomNormal([rows, n], 0, 1, 'float32', n) as Tensor2D;
  const [w, m] = [1, 2].map((seed) => tf.randomNormal([k, n], 0, 1, 'float32', seed));
  const v = tf.randomUniform([k, n], 0.01, 1, 'float32', 3);
  return { x, dy, w: w!, m: m!, v };
}

async function expectClose(ours: readonly Tensor[], ref: readonly Tensor[]): Promise<void> {
  for (let i = 0; i < ref.length; i++) {
    const [a, b] = [await ours[i]!.data(), await ref[i]!.data()];
    expect(a.length).toBe(b.length);
    for (let j = 0; j < b.length; j++) expect(a[j]!).toBeCloseTo(b[j]!, 5);
  }
}

describe('Adam\'s step of a dense layer from x and dy, on wasm', () => {
  it.each([
    [1, 5, 4],
    [3, 7, 8],
    [4, 9, 12],
    [5, 6, 40],
    [9, 33, 16],
  ])('equals Adam\'s kernel on tfjs\'s x^T dy: %i images, W [%i, %i]', async (rows, k, n) => {
    const { x, dy, w, m, v } = inputs(rows, k, n);
    const ref = adamStepSimd(w, m, v, tf.matMul(x, dy, true, false), SETTINGS)!;
    // NaN where the outputs will go: a weight left unwritten shows.
    tf.dispose(tf.fill([3 * k * n], Number.NaN));
    const ours = denseAdamStepSimd(x, dy, w, m, v, SETTINGS);
    if (ours === null) throw new Error('the kernel stepped aside');
    await expectClose(ours, ref);
    tf.dispose([x, dy, w, m, v, ...ref, ...ours]);
  });

  it('gives the same weights when its rows are taken in ranges (as threads share them)', async () => {
    const [rows, k, n] = [6, 10, 8];
    const { x, dy, w, m, v } = inputs(rows, k, n);
    const whole = denseAdamStepSimd(x, dy, w, m, v, SETTINGS)!;
    const simd = currentSimd()!;
    const outs = [0, 1, 2].map(() => tf.fill([k, n], Number.NaN));
    const at = [x, dy, w, m, v, ...outs].map((t) => simd.offset(t as never));
    const s = SETTINGS;
    for (const [first, last] of [[0, 3], [3, 4], [4, 10]]) {
      simd.exports.denseAdam(...at, rows, k, n, first!, last!, s.learningRate, s.beta1, s.beta2, s.epsilon, s.biasCorrection1, s.biasCorrection2);
    }
    for (let i = 0; i < 3; i++) expect(Array.from(await outs[i]!.data())).toEqual(Array.from(await whole[i]!.data()));
    tf.dispose([x, dy, w, m, v, ...whole, ...outs]);
  });

  it('steps aside for a W whose rows are not whole vectors, and off wasm', async () => {
    const { x, dy, w, m, v } = inputs(2, 3, 6);
    expect(denseAdamApplies(w)).toBe(false);
    expect(denseAdamStepSimd(x, dy, w, m, v, SETTINGS)).toBeNull();
    tf.dispose([x, dy, w, m, v]);
    await tf.setBackend('cpu');
    const cpu = inputs(2, 3, 8);
    expect(denseAdamApplies(cpu.w)).toBe(false);
    tf.dispose(Object.values(cpu));
    expect(await useWasm()).toBe(true);
  });
});
