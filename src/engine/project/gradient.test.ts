import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { useCpu } from '../testing/cpu';
import { createSigmoidAe } from '../testing/linear-ae';
import type { TestAutoencoder } from '../testing/linear-ae';
import { energyAndGrad, energyOf } from './project';

const SIZE = 4;
const LAMBDA = 0.1;
const EPS = 1e-2;

let model: TestAutoencoder;

beforeAll(async () => {
  await useCpu();
  model = createSigmoidAe({ size: SIZE, channels: 1, latent: 16, width: 1 }, 3);
});
afterAll(() => model.dispose());

/** x in [0.2, 0.8]; x0 differs by 0.05 to 0.1 in every pixel so |x - x0| has no kink within EPS. */
function testPoint(seed: number): { x: Float32Array; x0: Float32Array } {
  const rng = mulberry32(seed);
  const x = Float32Array.from({ length: SIZE * SIZE }, () => 0.2 + 0.6 * rng());
  const x0 = x.map((v) => v + (rng() < 0.5 ? -1 : 1) * (0.05 + 0.05 * rng()));
  return { x, x0 };
}

const as4d = (v: Float32Array): Tensor4D => tf.tensor4d(v, [1, SIZE, SIZE, 1]);

function energyAt(x: Float32Array, x0: Float32Array): number {
  return tf.tidy(() => energyOf(model, as4d(x), as4d(x0), LAMBDA).dataSync()[0] ?? Number.NaN);
}

/** Central finite differences of E along every coordinate. */
function finiteDifferenceGrad(x: Float32Array, x0: Float32Array): Float64Array {
  return Float64Array.from(x, (_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i] = (plus[i] ?? 0) + EPS;
    minus[i] = (minus[i] ?? 0) - EPS;
    return (energyAt(plus, x0) - energyAt(minus, x0)) / (2 * EPS);
  });
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
    den += (b[i] ?? 0) ** 2;
  }
  return Math.sqrt(num / den);
}

describe('energyAndGrad', () => {
  it.each([11, 12, 13])('matches central finite differences through a nonlinear f (seed %i)', (seed) => {
    const { x, x0 } = testPoint(seed);
    const analytic = tf.tidy(() => energyAndGrad(model, as4d(x), as4d(x0), LAMBDA).grad.dataSync());
    const numeric = finiteDifferenceGrad(x, x0);
    expect(relativeError(analytic, numeric)).toBeLessThan(1e-2);
  });

  it('differs from the detached gradient 2 (x - f(x)) + lambda sign(x - x0), so the Jacobian counts', () => {
    const { x, x0 } = testPoint(11);
    const detached = tf.tidy(() => {
      const { residual } = energyAndGrad(model, as4d(x), as4d(x0), LAMBDA);
      return tf.add(tf.mul(2, residual), tf.mul(LAMBDA, tf.sign(tf.sub(as4d(x), as4d(x0))))).dataSync();
    });
    expect(relativeError(detached, finiteDifferenceGrad(x, x0))).toBeGreaterThan(0.1);
  });

  it('returns the energy and the residual of the same forward pass', () => {
    const { x, x0 } = testPoint(12);
    const [energy, residual, expected] = tf.tidy(() => {
      const out = energyAndGrad(model, as4d(x), as4d(x0), LAMBDA);
      const r = tf.sub(as4d(x), model.reconstruct(as4d(x)));
      return [out.energy.dataSync()[0], out.residual.dataSync(), r.dataSync()];
    });
    expect(energy).toBeCloseTo(energyAt(x, x0), 4);
    expect(relativeError(residual ?? [], expected ?? [])).toBeLessThan(1e-6);
  });

  it('leaves no tensor behind', () => {
    const { x, x0 } = testPoint(13);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      energyAndGrad(model, as4d(x), as4d(x0), LAMBDA);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
