/**
 * Denoising training: the model sees its training images under coarse noise and learns to give
 * back the clean image (Kascenas et al., "Denoising autoencoders for unsupervised anomaly
 * detection in brain MRI", MIDL 2022). Coarse noise is smooth over several pixels, so what the
 * model learns to undo are local departures from normal texture (blotches, shifted colour),
 * which a model trained on clean images alone copies through when its code can hold them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/** Side of the noise grid for a working size: one value per 8 x 8 pixels, at least 2 x 2. */
export function noiseGrid(size: number): number {
  return Math.max(2, Math.round(size / 8));
}

/**
 * x [N, H, W, C] in [0, 1] -> clip01(x + upsample(noise)), noise ~ N(0, std^2) on a
 * noiseGrid(H) x noiseGrid(W) grid per image and channel, bilinearly upsampled. std 0 returns x.
 */
export function coarseNoise(x: Tensor4D, std: number, seed: number): Tensor4D {
  if (std <= 0) return x;
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const grid = tf.randomNormal([n, noiseGrid(h), noiseGrid(w), c], 0, std, 'float32', seed) as Tensor4D;
    return tf.clipByValue(tf.add(x, tf.image.resizeBilinear(grid, [h, w], true)), 0, 1) as Tensor4D;
  });
}
