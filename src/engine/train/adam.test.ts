/**
 * The engine's Adam against tfjs's AdamOptimizer, step for step: on wasm (one kernel a weight,
 * vectors and the scalar tail) and on cpu (tfjs ops); no tensor left behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { Adam } from './adam';

afterAll(() => tf.setBackend('wasm'));

/** Five steps of `optimizer` on two variables (sizes with and without a tail of 4); their values after. */
async function fiveSteps(make: () => tf.Optimizer): Promise<number[]> {
  const a = tf.tidy(() => tf.variable(tf.randomNormal([3, 7], 0, 1, 'float32', 1)));
  const b = tf.tidy(() => tf.variable(tf.randomNormal([64], 0, 1, 'float32', 2)));
  const optimizer = make();
  for (let step = 0; step < 5; step++) {
    optimizer.minimize(() => tf.add(tf.sum(tf.square(tf.sub(a, 0.3))), tf.sum(tf.mul(tf.sin(b), b))), false, [a, b]);
  }
  const values = [...(await a.data()), ...(await b.data())];
  optimizer.dispose();
  tf.dispose([a, b]);
  return values;
}

async function compare(backend: 'wasm' | 'cpu'): Promise<void> {
  if (backend === 'wasm') expect(await useWasm()).toBe(true);
  else await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const ours = await fiveSteps(() => new Adam(0.05));
  expect(tf.memory().numTensors).toBe(before);
  const theirs = await fiveSteps(() => tf.train.adam(0.05));
  expect(ours.length).toBe(theirs.length);
  // Each weight moved (about 5 x 0.05) and by what tfjs's optimizer moves it, to float32 rounding.
  for (let i = 0; i < ours.length; i++) expect(ours[i]!).toBeCloseTo(theirs[i]!, 5);
}

describe('Adam', () => {
  it('takes tfjs\'s steps on wasm, one kernel a weight', () => compare('wasm'));
  it('takes tfjs\'s steps on cpu, in tfjs ops', () => compare('cpu'));

  it('changes every weight on wasm (the tail past the last whole vector included)', async () => {
    expect(await useWasm()).toBe(true);
    const w = tf.tidy(() => tf.variable(tf.zeros([7])));
    const optimizer = new Adam(0.1);
    optimizer.minimize(() => tf.sum(tf.mul(w, tf.tensor1d([1, -1, 2, -2, 3, -3, 4]))), false, [w]);
    // Adam's first step moves each weight by the learning rate against its gradient's sign.
    expect(Array.from(await w.data()).map((v) => Math.round(v * 1000) / 1000)).toEqual([-0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1]);
    optimizer.dispose();
    w.dispose();
  });
});
