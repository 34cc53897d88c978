/** The VAE training objective (ALGORITHM.md): per-image reconstruction term (model/reconstruction.ts) + beta * KL. */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Vae } from './autoencoder';
import { reconstructionError } from './reconstruction';
import { sumAll } from './sum';

/**
 * Bounds on log-variance: exp(logVar) stays finite and the KL term cannot
 * blow up in the first steps, when the encoder's outputs are still random.
 */
export const LOG_VAR_MIN = -10;
export const LOG_VAR_MAX = 10;

/** Reparameterisation: z = mu + exp(logVar / 2) * noise, noise ~ N(0, 1) of shape [N, latent]. */
export function sampleLatent(mu: Tensor2D, logVar: Tensor2D, noise: Tensor2D): Tensor2D {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)));
}

export interface VaeLoss {
  /** recon + beta * kl. */
  loss: Scalar;
  /** Mean over the batch of the per-image reconstruction term (summed squared error by default). */
  recon: Scalar;
  /** Mean over the batch of the per-image KL divergence to N(0, I). */
  kl: Scalar;
}

/**
 * x [N, H, W, C] in [0, 1]. With `noise` [N, latentDim] the latent is sampled
 * (training); without it the decoder sees mu (validation, deterministic).
 * `target` (default x) is what the reconstruction is compared with: the clean
 * images when x is a corrupted copy (denoising training).
 */
export function vaeLoss(vae: Vae, x: Tensor4D, beta: number, noise?: Tensor2D, target: Tensor4D = x): VaeLoss {
  return tf.tidy(() => {
    const n = x.shape[0];
    const enc = vae.encode(x);
    const mu = enc.mu;
    const logVar = tf.clipByValue(enc.logVar, LOG_VAR_MIN, LOG_VAR_MAX);
    const z = noise === undefined ? mu : sampleLatent(mu, logVar, noise);
    const xHat = vae.decode(z);
    const recon = tf.div(sumAll(reconstructionError(target, xHat, vae.config.reconstruction)), n) as Scalar;
    const klSum = sumAll(tf.sub(tf.sub(tf.add(logVar, 1), tf.square(mu)), tf.exp(logVar)));
    const kl = tf.mul(klSum, -0.5 / n) as Scalar;
    const loss = tf.add(recon, tf.mul(kl, beta)) as Scalar;
    return { loss, recon, kl };
  });
}
