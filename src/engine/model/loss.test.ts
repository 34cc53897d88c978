import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { useCpu } from '../testing/cpu';
import { LOG_VAR_MAX, LOG_VAR_MIN, sampleLatent, vaeLoss } from './loss';
import { createVae } from './vae';

beforeAll(() => useCpu());

const cfg = { size: 16, channels: 1 as const, latent: 4, width: 4 };

async function num(t: tf.Tensor): Promise<number> {
  return (await t.data())[0] ?? NaN;
}

describe('vaeLoss', () => {
  it('is the batch mean of per-image summed squared error plus beta * KL, computed by hand', async () => {
    const vae = createVae(cfg, 1);
    const x = tf.randomUniform([3, 16, 16, 1], 0, 1, 'float32', 2) as Tensor4D;
    const before = tf.memory().numTensors;
    const l = vaeLoss(vae, x, 0.25);
    const { mu, logVar } = vae.encode(x);
    const decoded = vae.decode(mu);
    const xHat = await decoded.data();
    const xs = await x.data();
    const m = await mu.data();
    const lv = (await logVar.data()).map((v) => Math.min(LOG_VAR_MAX, Math.max(LOG_VAR_MIN, v)));
    let sq = 0;
    for (let i = 0; i < xs.length; i++) sq += ((xs[i] ?? 0) - (xHat[i] ?? 0)) ** 2;
    let kl = 0;
    for (let i = 0; i < m.length; i++) kl += -0.5 * (1 + (lv[i] ?? 0) - (m[i] ?? 0) ** 2 - Math.exp(lv[i] ?? 0));
    expect(await num(l.recon)).toBeCloseTo(sq / 3, 3);
    expect(await num(l.kl)).toBeCloseTo(kl / 3, 4);
    expect(await num(l.loss)).toBeCloseTo(sq / 3 + (0.25 * kl) / 3, 3);
    tf.dispose([l.loss, l.recon, l.kl, mu, logVar, decoded]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    vae.dispose();
  });

  it('compares the reconstruction of x with the target when one is given (denoising)', async () => {
    const vae = createVae(cfg, 1);
    const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 3) as Tensor4D;
    const target = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 4) as Tensor4D;
    const xHat = vae.reconstruct(x);
    const byHand = await num(tf.div(tf.sum(tf.square(tf.sub(target, xHat))), 2));
    const l = vaeLoss(vae, x, 0.5, undefined, target);
    expect(await num(l.recon)).toBeCloseTo(byHand, 3);
    const own = vaeLoss(vae, x, 0.5);
    expect(await num(own.recon)).not.toBeCloseTo(byHand, 1);
    tf.dispose([x, target, xHat, l.loss, l.recon, l.kl, own.loss, own.recon, own.kl]);
    vae.dispose();
  });

  it('with zero noise equals the deterministic loss, with noise it differs', async () => {
    const vae = createVae(cfg, 3);
    const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 4) as Tensor4D;
    const zeros = tf.zeros([2, 4]) as Tensor2D;
    const noise = tf.randomNormal([2, 4], 0, 1, 'float32', 5) as Tensor2D;
    const det = vaeLoss(vae, x, 1);
    const zero = vaeLoss(vae, x, 1, zeros);
    const noisy = vaeLoss(vae, x, 1, noise);
    expect(await num(zero.loss)).toBeCloseTo(await num(det.loss), 5);
    expect(await num(noisy.recon)).not.toBeCloseTo(await num(det.recon), 5);
    expect(await num(noisy.kl)).toBeCloseTo(await num(det.kl), 5);
    tf.dispose([x, zeros, noise, det.loss, det.recon, det.kl, zero.loss, zero.recon, zero.kl, noisy.loss, noisy.recon, noisy.kl]);
    vae.dispose();
  });

  it('gives every variable a finite, non-zero gradient and leaks nothing', async () => {
    const vae = createVae(cfg, 6);
    const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 7) as Tensor4D;
    const noise = tf.randomNormal([2, 4], 0, 1, 'float32', 8) as Tensor2D;
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => vaeLoss(vae, x, 0.5, noise).loss, vae.variables);
    for (const v of vae.variables) {
      const g = grads[v.name];
      expect(g?.shape).toEqual(v.shape);
      const data = await g!.data();
      expect(data.every(Number.isFinite)).toBe(true);
      expect(data.some((d) => d !== 0)).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, noise]);
    vae.dispose();
  });
});

describe('sampleLatent', () => {
  it('is mu + exp(logVar / 2) * noise', async () => {
    const mu = tf.tensor2d([[1, -2]]);
    const logVar = tf.tensor2d([[0, Math.log(4)]]);
    const noise = tf.tensor2d([[0.5, 1]]);
    const z = sampleLatent(mu, logVar, noise);
    const v = await z.data();
    expect(v[0]).toBeCloseTo(1.5, 5);
    expect(v[1]).toBeCloseTo(0, 5);
    tf.dispose([mu, logVar, noise, z]);
  });
});
