/**
 * The iterative energy-based projection (Dehaene et al., ICLR 2020; see shared/ALGORITHM.md).
 *
 *   E(x)    = sum (x - f(x))^2 + lambda * sum |x - x0|      summed over the H*W*C values of one image
 *   x_{t+1} = clip01(x_t - alpha * grad E(x_t) ⊙ (x_t - f(x_t))^2)     ('weighted', the paper)
 *   x_{t+1} = clip01(x_t - alpha * grad E(x_t))                        ('plain', for comparison)
 *
 * f = model.reconstruct (encoder mean, no sampling). The gradient of the reconstruction term
 * flows through the network (Jacobian of f included); the weights are never touched.
 * Scale convention: E is a SUM over the image, so alpha is per image, as in ALGORITHM.md's
 * measurements (alpha 0.5 to 5 with lambda 0.1 worked on 64 px crops).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor4D } from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';
import type { Autoencoder } from '../model/autoencoder';
import type { FloatImage, ProjectionFrame, ProjectionSettings } from '../types';
import { checkImageForModel, imageToTensor, tensorToImage, validateEvery, validateSettings } from './validate';

export interface ProjectOptions {
  /** Report x_t as an image every `every` steps (default 1). */
  every?: number;
  /** Polled before each step; true ends the run with a final frame for the current x_t. */
  shouldStop?(): boolean;
}

export interface EnergyAndGrad {
  /** E(x), a scalar. */
  energy: Scalar;
  /** dE/dx, same shape as x. */
  grad: Tensor4D;
  /** x - f(x) from the same forward pass that gave the gradient. */
  residual: Tensor4D;
}

/**
 * E(x), its gradient and the residual x - f(x) with ONE forward and one backward pass through
 * the model. valueAndGrad only returns the scalar, so the residual is kept out of its forward
 * scope with tf.keep and handed back as a clone that the caller's tidy owns.
 *
 * The L1 term's gradient is added in closed form as lambda * sign(x - x0): tfjs's Abs gradient
 * is -1 at 0, which at x = x0 (every pixel of the first step) would push the whole image up;
 * sign(0) = 0 is the minimum-norm subgradient and leaves untouched pixels alone.
 * Call inside tf.tidy: the returned tensors belong to the caller's scope.
 */
export function energyAndGrad(model: Autoencoder, x: Tensor4D, x0: Tensor4D, lambda: number): EnergyAndGrad {
  const aux: { residual?: Tensor4D } = {};
  const reconEnergy = (xv: Tensor4D): Scalar => {
    const r = tf.sub<Tensor4D>(xv, model.reconstruct(xv));
    aux.residual = tf.keep(r);
    return tf.sum(tf.square(r));
  };
  const { value, grad } = tf.valueAndGrad(reconEnergy)(x);
  const kept = aux.residual;
  if (kept === undefined) {
    throw new EngineError('invalid-argument', 'The model did not produce a reconstruction.');
  }
  const residual = tf.clone(kept);
  kept.dispose();
  const d = tf.sub(x, x0);
  return {
    energy: tf.add(value, tf.mul(lambda, tf.sum(tf.abs(d)))),
    grad: tf.add(grad, tf.mul(lambda, tf.sign(d))),
    residual,
  };
}

/** E(x) alone (forward only): used for the final x_T, which takes no further step. */
export function energyOf(model: Autoencoder, x: Tensor4D, x0: Tensor4D, lambda: number): Scalar {
  return tf.tidy(() => {
    const r = tf.sub(x, model.reconstruct(x));
    return tf.add(tf.sum(tf.square(r)), tf.mul(lambda, tf.sum(tf.abs(tf.sub(x, x0)))));
  });
}

/** One projection step: E(x_t) and x_{t+1}. Both returned tensors belong to the caller. */
export function projectionStep(
  model: Autoencoder,
  x: Tensor4D,
  x0: Tensor4D,
  s: ProjectionSettings,
): { energy: Scalar; next: Tensor4D } {
  return tf.tidy(() => {
    const { energy, grad, residual } = energyAndGrad(model, x, x0, s.lambda);
    const direction = s.variant === 'weighted' ? tf.mul(grad, tf.square(residual)) : grad;
    const next = tf.clipByValue(tf.sub<Tensor4D>(x, tf.mul(direction, s.alpha)), 0, 1);
    return { energy, next };
  });
}

async function readScalar(t: Scalar): Promise<number> {
  const [v = Number.NaN] = await t.data();
  return v;
}

/**
 * Projects x0 towards the model's normal manifold (see the file comment).
 * Yields {iteration: 0, energy} first, then a frame with the image every `every` steps, and
 * always the last iteration with the image (x_T, or the current x_t when shouldStop ended it
 * early; its iteration is then < s.iterations). The generator pauses at each yield, so a
 * consumer that needs the event loop (a worker waiting for a cancel message) can await there.
 * Each step costs one forward and one backward pass; the final frame adds one forward pass for
 * E(x_T). Energies are read back only for yielded frames.
 * Every tensor is freed when the generator ends, throws or is closed with return().
 * @throws EngineError 'invalid-argument' (on the first next(), as generators run lazily) for bad
 *   settings or an image that does not fit the model.
 */
export async function* project(
  model: Autoencoder,
  x0: FloatImage,
  s: ProjectionSettings,
  opts: ProjectOptions = {},
): AsyncGenerator<ProjectionFrame> {
  validateSettings(s);
  const every = opts.every ?? 1;
  validateEvery(every);
  checkImageForModel(model.config, x0);
  const x0t = imageToTensor(x0);
  let x: Tensor4D = tf.clone(x0t);
  try {
    let t = 0;
    for (; t < s.iterations && opts.shouldStop?.() !== true; t++) {
      const { energy, next } = projectionStep(model, x, x0t, s);
      const xt = x;
      x = next;
      try {
        if (t % every === 0) {
          const frame: ProjectionFrame = { iteration: t, energy: await readScalar(energy) };
          // x0 is the caller's own image: frame 0 carries only its energy.
          if (t > 0) frame.image = await tensorToImage(xt, x0.channels);
          yield frame;
        }
      } finally {
        energy.dispose();
        xt.dispose();
      }
    }
    yield await finalFrame(model, x, x0t, s.lambda, t, x0.channels);
  } finally {
    x.dispose();
    x0t.dispose();
  }
}

async function finalFrame(
  model: Autoencoder,
  x: Tensor4D,
  x0: Tensor4D,
  lambda: number,
  iteration: number,
  channels: FloatImage['channels'],
): Promise<ProjectionFrame> {
  const energy = energyOf(model, x, x0, lambda);
  try {
    return { iteration, energy: await readScalar(energy), image: await tensorToImage(x, channels) };
  } finally {
    energy.dispose();
  }
}
