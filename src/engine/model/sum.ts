/**
 * Sums whose gradient spreads dy over the summed axes with the backend's Fill kernel. tfjs's own
 * Sum gradient multiplies by a ones tensor made in JavaScript and uploaded: for the loss of a
 * 64 px batch of 16, 0.8 MB allocated every training step (Node: 2.2 to 2.6 ms against 0.06 ms
 * this way; large allocations cost more still in Chromium).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';

/** tf.sum(x, axes, keepDims), the same value, with that gradient. */
export function sumOver<T extends Tensor>(x: Tensor, axes: readonly number[], keepDims = false): T {
  // Shapes only: x may be a tensor the recorded function made, freed before the backward pass.
  const shape = x.shape;
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const sum = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.sum(args[0] as Tensor, [...axes], keepDims),
    gradFunc: (dy: Tensor) => tf.mul(tf.reshape(dy, kept), tf.fill(shape, 1)),
  }));
  return sum(x) as T;
}

/** Per-image sums over H, W and C of a [N, H, W, C] tensor: [N]. */
export const perImageSum = (t: Tensor4D | Tensor): Tensor1D => sumOver<Tensor1D>(t, [1, 2, 3]);

/** The sum of all of a tensor's values, a scalar. */
export const sumAll = (t: Tensor): Scalar => sumOver<Scalar>(t, t.shape.map((_, i) => i));
