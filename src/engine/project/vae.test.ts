/** The projection and the scoring on the real (untrained, tiny) convolutional VAE. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import type { Vae } from '../model/autoencoder';
import { createVae } from '../model/vae';
import { reconstructImage, toResult } from '../score/score';
import { useCpu } from '../testing/cpu';
import { smoothNormal, withSquare } from '../testing/synthetic';
import { energyAndGrad, energyOf } from './project';
import { runProjection } from './run';

let vae: Vae;

beforeAll(async () => {
  await useCpu();
  vae = createVae({ size: 16, channels: 3, latent: 8, width: 4 }, 5);
});
afterAll(() => vae.dispose());

describe('projection on the VAE', () => {
  it('runs a few steps through the network, keeps x in [0, 1] and leaks nothing', async () => {
    const x0 = withSquare(smoothNormal(16, 3, 21, 0.05), 4, 4, 4, 1).image;
    const before = tf.memory().numTensors;
    const run = await runProjection(vae, x0, { alpha: 2, lambda: 0.1, iterations: 4, variant: 'weighted' }, { every: 2 });
    const residual = toResult('residual', x0, await reconstructImage(vae, x0));
    expect(tf.memory().numTensors).toBe(before);
    expect(run.energies).toHaveLength(3);
    run.energies.forEach((e) => expect(Number.isFinite(e)).toBe(true));
    expect(run.xT.data.some((v, i) => v !== x0.data[i])).toBe(true);
    expect(run.xT.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(residual.map).toHaveLength(16 * 16);
    expect(residual.score).toBeGreaterThan(0);
  });

  it.each([1, 2, 3])('has an input gradient of E that finite differences confirm, unlike the detached one (%i)', (seed) => {
    const rng = mulberry32(seed);
    const x0 = tf.tensor4d(smoothNormal(16, 3, 30 + seed, 0.05).data, [1, 16, 16, 3]);
    // |x - x0| >= 0.03 everywhere, so the L1 term has no kink within eps of x.
    const offsets = Float32Array.from({ length: 16 * 16 * 3 }, () => (rng() < 0.5 ? -1 : 1) * (0.03 + 0.07 * rng()));
    const x = tf.add<Tensor4D>(x0, tf.tensor4d(offsets, x0.shape));
    const v = tf.tensor4d(Float32Array.from({ length: 16 * 16 * 3 }, () => rng() * 2 - 1), x0.shape);
    // Directional derivative along v: one number with a large signal. eps trades LeakyReLU kinks
    // crossed (error ~ eps) against float32 rounding of E (error ~ 1 / eps).
    const eps = 3e-3;
    const read = (t: tf.Tensor): number => t.dataSync()[0] ?? Number.NaN;
    const [analytic, detached, numeric] = tf.tidy(() => {
      const { grad, residual } = energyAndGrad(vae, x, x0, 0.1);
      const gDetached = tf.add(tf.mul(2, residual), tf.mul(0.1, tf.sign(tf.sub(x, x0))));
      const plus = read(energyOf(vae, tf.add(x, tf.mul(v, eps)), x0, 0.1));
      const minus = read(energyOf(vae, tf.sub(x, tf.mul(v, eps)), x0, 0.1));
      return [read(tf.sum(tf.mul(grad, v))), read(tf.sum(tf.mul(gDetached, v))), (plus - minus) / (2 * eps)];
    });
    tf.dispose([x0, x, v]);
    expect(Math.abs(analytic - numeric)).toBeLessThan(0.05 * Math.abs(numeric));
    expect(Math.abs(detached - numeric)).toBeGreaterThan(0.2 * Math.abs(numeric));
  });
});
