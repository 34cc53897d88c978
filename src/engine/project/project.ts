/**
 * The iterative energy-based projection (Dehaene et al., ICLR 2020; see shared/ALGORITHM.md).
 *
 *   E(x)    = L_r(x, f(x)) + lambda * sum |x - x0|          summed over the H*W*C values of one image
 *
 * L_r is the model's reconstruction term (model/reconstruction.ts): sum (x - f(x))^2 by default.
 *   x_{t+1} = clip01(x_t - alpha * grad E(x_t) ⊙ (x_t - f(x_t))^2)     ('weighted', the paper)
 *   x_{t+1} = clip01(x_t - alpha * grad E(x_t) ⊙ ((x_t - f(x_t)) / g)^2) ('calibrated')
 *   x_{t+1} = clip01(x_t - alpha * grad E(x_t))                        ('plain', for comparison)
 *
 * g (ProjectOptions.weightGain) is how much higher the residual of held-out NORMAL images is at
 * each pixel's distance from the edge than in the middle (the residual calibration's edge gain,
 * score/edges.ts). The paper's weight moves a pixel with about the cube of its residual, and a
 * convolutional model reconstructs the band along the edges worse, so 'weighted' moves the
 * normal edge band several times more than the middle and a small defect near an edge drowns
 * in it; 'calibrated' weighs each residual against what is normal where it is. Without g it is
 * 'weighted'.
 *
 * f = model.reconstruct (encoder mean, no sampling). The gradient of the reconstruction term
 * flows through the network (Jacobian of f included); the weights are never touched.
 * Scale convention: E is a SUM over the image, so alpha is per image, as in ALGORITHM.md's
 * measurements (alpha 0.5 to 5 with lambda 0.1 worked on 64 px crops).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';
import { yieldToEventLoop } from '../event-loop';
import { projectionUpdateSimd } from '../kernels/projection-update';
import type { Autoencoder } from '../model/autoencoder';
import { reconstructionError } from '../model/reconstruction';
import { perImageSum } from '../model/sum';
import type { FloatImage, ProjectionFrame, ProjectionSettings } from '../types';
import { imagesToTensor, tensorToImages, validateEvery, validateSettings } from './validate';

export interface ProjectOptions {
  /** Report x_t as an image every `every` steps (default 1). */
  every?: number;
  /** Polled before each step; true ends the run with a final frame for the current x_t. */
  shouldStop?(): boolean;
  /** The 'calibrated' variant's g, one value per pixel (width * height of the model's size); unused by the others. */
  weightGain?: Float32Array;
}

export interface EnergyAndGrad {
  /** E(x) summed over the batch, a scalar (one image: its energy). */
  energy: Scalar;
  /** E of each image of the batch, [N]. */
  energies: Tensor1D;
  /** dE/dx, same shape as x. */
  grad: Tensor4D;
  /** x - f(x) from the same forward pass that gave the gradient. */
  residual: Tensor4D;
}

/**
 * E(x), its gradient and the residual x - f(x) with ONE forward and one backward pass through
 * the model, for a batch [N, H, W, C]: the images do not interact (the network works per image,
 * E is a sum of per-image energies), so the gradient of the batch's total is each image's own.
 * valueAndGrad only returns the scalar, so the residual is kept out of its forward scope with
 * tf.keep and handed back as a clone that the caller's tidy owns.
 *
 * The L1 term's gradient is added in closed form as lambda * sign(x - x0): tfjs's Abs gradient
 * is -1 at 0, which at x = x0 (every pixel of the first step) would push the whole image up;
 * sign(0) = 0 is the minimum-norm subgradient and leaves untouched pixels alone.
 * Call inside tf.tidy: the returned tensors belong to the caller's scope.
 */
export function energyAndGrad(model: Autoencoder, x: Tensor4D, x0: Tensor4D, lambda: number): EnergyAndGrad {
  return withL1Term(reconstructionTermAndGrad(model, x), x, x0, lambda);
}

/** The energies and gradient of the reconstruction term `term` with the L1 term added (see energyAndGrad). */
function withL1Term({ recon, grad, residual }: ReconstructionTerm, x: Tensor4D, x0: Tensor4D, lambda: number): EnergyAndGrad {
  const d = tf.sub<Tensor4D>(x, x0);
  const energies = tf.add<Tensor1D>(recon, tf.mul(lambda, perImageSum(tf.abs(d))));
  return { energy: tf.sum(energies), energies, grad: tf.add(grad, tf.mul(lambda, tf.sign(d))), residual };
}

/** The reconstruction term of each image [N], its gradient and the residual x - f(x). */
interface ReconstructionTerm {
  recon: Tensor1D;
  grad: Tensor4D;
  residual: Tensor4D;
}

/** energyAndGrad without the L1 term. */
function reconstructionTermAndGrad(model: Autoencoder, x: Tensor4D): ReconstructionTerm {
  const aux: { residual?: Tensor4D; recon?: Tensor1D } = {};
  const term = model.config.reconstruction;
  const reconEnergy = (xv: Tensor4D): Scalar => {
    const y = model.reconstruct(xv);
    aux.residual = tf.keep(tf.sub<Tensor4D>(xv, y));
    aux.recon = tf.keep(reconstructionError(xv, y, term));
    return tf.sum(aux.recon);
  };
  const { grad } = tf.valueAndGrad(reconEnergy)(x);
  const { residual: kept, recon: keptRecon } = aux;
  if (kept === undefined || keptRecon === undefined) {
    tf.dispose([kept, keptRecon].filter((t) => t !== undefined));
    throw new EngineError('invalid-argument', 'The model did not produce a reconstruction.');
  }
  const residual = tf.clone(kept);
  const recon = tf.clone(keptRecon);
  tf.dispose([kept, keptRecon]);
  return { recon, grad: grad as Tensor4D, residual };
}

/** Throws unless g has one finite value >= 1 per pixel of the model's size. */
function checkWeightGain(model: Autoencoder, g: Float32Array): void {
  const { size } = model.config;
  if (g.length !== size * size || g.some((v) => !(v >= 1) || !Number.isFinite(v))) {
    throw new EngineError('invalid-argument', `The projection's weight gain needs ${size * size} finite values >= 1 (got ${g.length}).`);
  }
}

/** E of each image of the batch (forward only), [N]: used for the final x_T, which takes no further step. */
export function energiesOf(model: Autoencoder, x: Tensor4D, x0: Tensor4D, lambda: number): Tensor1D {
  return tf.tidy(() => {
    const recon = reconstructionError(x, model.reconstruct(x), model.config.reconstruction);
    return tf.add<Tensor1D>(recon, tf.mul(lambda, perImageSum(tf.abs(tf.sub<Tensor4D>(x, x0)))));
  });
}

/** E(x) summed over the batch (forward only), a scalar. */
export function energyOf(model: Autoencoder, x: Tensor4D, x0: Tensor4D, lambda: number): Scalar {
  return tf.tidy(() => tf.sum(energiesOf(model, x, x0, lambda)));
}

/**
 * One projection step of a batch: E of each image at x_t, [N], and x_{t+1}. Both belong to the
 * caller. weightGainSquared: g^2 as [1, H, W, C] for the 'calibrated' variant (each pixel's
 * gain in each of its channels).
 */
export function projectionStep(
  model: Autoencoder,
  x: Tensor4D,
  x0: Tensor4D,
  s: ProjectionSettings,
  weightGainSquared?: Tensor4D,
): { energy: Tensor1D; next: Tensor4D } {
  return tf.tidy(() => {
    const gain = s.variant === 'calibrated' ? weightGainSquared : undefined;
    // On wasm everything after the backward pass is one kernel (kernels/projection-update.ts).
    const term = reconstructionTermAndGrad(model, x);
    const fused = projectionUpdateSimd(x, x0, term.grad, term.residual, gain, s);
    if (fused !== null) return { energy: tf.add<Tensor1D>(term.recon, tf.mul(s.lambda, fused.l1)), next: fused.next };
    const { energies, grad, residual } = withL1Term(term, x, x0, s.lambda);
    const weight = (): Tensor4D => {
      const w = tf.square<Tensor4D>(residual);
      return gain ? tf.div<Tensor4D>(w, gain) : w;
    };
    const direction = s.variant === 'plain' ? grad : tf.mul(grad, weight());
    const next = tf.clipByValue(tf.sub<Tensor4D>(x, tf.mul(direction, s.alpha)), 0, 1);
    return { energy: energies, next };
  });
}

/** One frame of a batch's projection: the energy of every image, and x_t of every image when reported. */
export interface BatchFrame {
  iteration: number;
  energies: number[];
  images?: FloatImage[];
}

async function readVector(t: Tensor1D): Promise<number[]> {
  return Array.from(await t.data<'float32'>());
}

/**
 * Projects a batch of images together towards the model's normal manifold (see the file
 * comment): one forward and one backward pass per step for the whole batch, every image moving
 * exactly as it would alone. Yields {iteration: 0, energies} first, then a frame with the images
 * every `every` steps, and always the last iteration with the images (x_T, or the current x_t
 * when shouldStop ended it early; its iteration is then < s.iterations). With shouldStop it
 * gives the event loop a turn before each step, so that a worker's cancel message can set what
 * shouldStop reads (on wasm and cpu the read-backs alone never do). The final frame adds one
 * forward pass for E(x_T). Energies are read back
 * only for yielded frames. Every tensor is freed when the generator ends, throws or is closed.
 * @throws EngineError 'invalid-argument' (on the first next(), as generators run lazily) for bad
 *   settings, no image, or an image that does not fit the model.
 */
export async function* projectBatch(
  model: Autoencoder,
  x0s: FloatImage[],
  s: ProjectionSettings,
  opts: ProjectOptions = {},
): AsyncGenerator<BatchFrame> {
  validateSettings(s);
  const every = opts.every ?? 1;
  validateEvery(every);
  const gain = s.variant === 'calibrated' ? opts.weightGain : undefined;
  if (gain) checkWeightGain(model, gain);
  const x0t = imagesToTensor(model.config, x0s);
  const channels = x0s[0]?.channels ?? 1;
  const gain2 = gain && tf.tidy(() => tf.tile(tf.square(tf.tensor4d(gain, [1, model.config.size, model.config.size, 1])), [1, 1, 1, channels]));
  let x: Tensor4D = tf.clone(x0t);
  try {
    let t = 0;
    for (; t < s.iterations; t++) {
      // Where someone can ask it to stop, a macrotask boundary before each step lets the
      // request arrive (event-loop.ts): about 0.02 ms in a Chromium worker.
      if (opts.shouldStop) {
        if (t > 0) await yieldToEventLoop();
        if (opts.shouldStop()) break;
      }
      const { energy, next } = projectionStep(model, x, x0t, s, gain2);
      const xt = x;
      x = next;
      try {
        if (t % every === 0) {
          const frame: BatchFrame = { iteration: t, energies: await readVector(energy) };
          // x0 is the caller's own images: frame 0 carries only the energies.
          if (t > 0) frame.images = await tensorToImages(xt, channels);
          yield frame;
        }
      } finally {
        energy.dispose();
        xt.dispose();
      }
    }
    const final = energiesOf(model, x, x0t, s.lambda);
    try {
      yield { iteration: t, energies: await readVector(final), images: await tensorToImages(x, channels) };
    } finally {
      final.dispose();
    }
  } finally {
    x.dispose();
    x0t.dispose();
    gain2?.dispose();
  }
}

/**
 * Projects one image (projectBatch with a batch of one), frames as ProjectionFrame: the
 * animation in the page and the energy curve use this.
 */
export async function* project(
  model: Autoencoder,
  x0: FloatImage,
  s: ProjectionSettings,
  opts: ProjectOptions = {},
): AsyncGenerator<ProjectionFrame> {
  for await (const f of projectBatch(model, [x0], s, opts)) {
    const frame: ProjectionFrame = { iteration: f.iteration, energy: f.energies[0] ?? Number.NaN };
    const image = f.images?.[0];
    if (image) frame.image = image;
    yield frame;
  }
}
