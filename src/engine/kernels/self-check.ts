/**
 * The SIMD kernels against tfjs's own route on the current backend, where they run as the app
 * runs them (on its helper threads where tfjs is threaded): one layer's forward convolution,
 * its filter gradient, an encoder layer's input gradient by the four phases written in place
 * (sub-pixel.ts), a dense layer's three products (dense.ts) and its Adam step from x and dy
 * (adam.ts, the update against Adam's on tfjs's x^T dy) and a batch's projection update
 * (projection-update.ts), on random values, at shapes that give every thread several chunks.
 * For the end-to-end tests, which cannot reach the helper threads otherwise.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { filterGradConv, inputGradient } from '../model/conv';
import { conv2dSimd } from './conv2d';
import { adamStepSimd, denseAdamStepSimd } from './adam';
import { denseFilterGradientSimd, denseForwardSimd, denseInputGradientSimd } from './dense';
import { projectionUpdateSimd } from './projection-update';
import { filterGradientSimd } from './filter-gradient';
import { currentSimd } from './simd-module';

export interface SimdCheck {
  /** Whether the kernels run on this backend at all. */
  linked: boolean;
  helpers: number;
  /** The largest difference from tfjs's result over the largest value, every kernel. */
  maxRelativeError: number;
}

/** The largest difference between a and b over b's largest value (same shapes). */
export async function relativeError(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(b))]);
  try {
    return (await diff!.data())[0]! / (await scale!.data())[0]!;
  } finally {
    tf.dispose([diff!, scale!]);
  }
}

/** An Adam step's new weights, its new moments freed. */
function newWeights(next: Tensor[] | null): Tensor | null {
  tf.dispose(next?.slice(1) ?? []);
  return next?.[0] ?? null;
}

/** The update's next images, its per-image sums freed. */
function projectedImages(update: { next: Tensor; l1: Tensor } | null): Tensor | null {
  update?.l1.dispose();
  return update?.next ?? null;
}

/** An Adam step's settings early in training (bias corrections of the second step). */
const ADAM_CHECK = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, biasCorrection1: 0.19, biasCorrection2: 0.002 };

export async function simdSelfCheck(): Promise<SimdCheck> {
  const simd = currentSimd();
  if (simd === null) return { linked: false, helpers: 0, maxRelativeError: 0 };
  const x = tf.randomNormal([4, 32, 32, 16], 0, 1, 'float32', 1) as Tensor4D;
  const f = tf.randomNormal([3, 3, 16, 16], 0, 1, 'float32', 2) as Tensor4D;
  const b = tf.randomNormal([16], 0, 1, 'float32', 3) as Tensor1D;
  const dy = tf.randomNormal([4, 32, 32, 16], 0, 1, 'float32', 4) as Tensor4D;
  // An encoder layer's gradient: kernel 4, stride 2, 16 channels in, 32 out, 32 px in.
  const f4 = tf.randomNormal([4, 4, 16, 32], 0, 1, 'float32', 5) as Tensor4D;
  const dy4 = tf.randomNormal([4, 16, 16, 32], 0, 1, 'float32', 6) as Tensor4D;
  const inShape: [number, number, number, number] = [4, 32, 32, 16];
  // A dense layer: 4 images, 4096 inputs, 256 outputs.
  const xd = tf.randomNormal([4, 4096], 0, 1, 'float32', 7) as Tensor2D;
  const wd = tf.randomNormal([4096, 256], 0, 1, 'float32', 8) as Tensor2D;
  const dyd = tf.randomNormal([4, 256], 0, 1, 'float32', 9) as Tensor2D;
  // Adam's step on weights at 0 (the new weights are the update itself, with no rounding of w
  // + update in them), its moments as in training.
  const [w0, md, vd] = [tf.zeros([4096, 256]), tf.randomNormal([4096, 256], 0, 0.1, 'float32', 11), tf.randomUniform([4096, 256], 0.01, 1, 'float32', 12)];
  // The last layer: 16 channels in, the 3 colours out, sigmoid (the narrow kernel).
  const f3 = tf.randomNormal([3, 3, 16, 3], 0, 1, 'float32', 10) as Tensor4D;
  // A projection step's update for 16 images (weighted, lambda 0.1, alpha 0.5).
  const [px, px0, pg, pr] = [13, 14, 15, 16].map((seed) => tf.randomUniform([16, 16, 16, 3], 0, 1, 'float32', seed) as Tensor4D);
  const ours: (Tensor | null)[] = [
    conv2dSimd(x, f, b, 1, [1, 1, 1, 1], 'leakyrelu', 0.2),
    conv2dSimd(x, f3, null, 1, [1, 1, 1, 1], 'sigmoid'),
    filterGradientSimd(x, dy, 3, 3, 1, 1),
    inputGradient('conv', dy4, f4, inShape, 2, 1),
    denseForwardSimd(xd, wd),
    denseInputGradientSimd(dyd, wd),
    denseFilterGradientSimd(xd, dyd),
    newWeights(denseAdamStepSimd(xd, dyd, w0, md, vd, ADAM_CHECK)),
    projectedImages(projectionUpdateSimd(px!, px0!, pg!, pr!, undefined, { alpha: 0.5, lambda: 0.1, variant: 'weighted' })),
  ];
  const theirs = tf.tidy(() => [
    tf.leakyRelu(tf.add(tf.conv2d(x, f, 1, 'same'), b), 0.2),
    tf.sigmoid(tf.conv2d(x, f3, 1, 'same')),
    filterGradConv(x, dy, 3, 3, 1, 1),
    tf.conv2dTranspose(dy4, f4, inShape, 2, 1),
    tf.matMul(xd, wd),
    tf.matMul(dyd, wd, false, true),
    tf.matMul(xd, dyd, true, false),
    adamStepSimd(w0, md, vd, tf.matMul(xd, dyd, true, false), ADAM_CHECK)![0]!,
    tf.clipByValue(tf.sub(px!, tf.mul(tf.mul(tf.add(pg!, tf.mul(0.1, tf.sign(tf.sub(px!, px0!)))), tf.square(pr!)), 0.5)), 0, 1),
  ]);
  try {
    let worst = 0;
    for (let i = 0; i < ours.length; i++) {
      const mine = ours[i];
      if (!mine) return { linked: false, helpers: simd.helpers, maxRelativeError: 0 };
      worst = Math.max(worst, await relativeError(mine, theirs[i]!));
    }
    return { linked: true, helpers: simd.helpers, maxRelativeError: worst };
  } finally {
    tf.dispose([x, f, b, dy, f4, dy4, xd, wd, dyd, w0, md, vd, f3, px!, px0!, pg!, pr!, ...theirs, ...ours.filter((t): t is Tensor => t !== null)]);
  }
}
