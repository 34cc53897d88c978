/**
 * The dense layers' matrix products, by the fastest route each backend has. On wasm
 * (tfjs-backend-wasm 4.22, XNNPACK) the plain x W and its autodiff weight gradient x^T dy are
 * slow paths: measured for the VAE's 8192 x 256 layers at batch 4, x W 14.6 ms against 7.5 ms
 * for (W^T x^T)^T, and x^T dy 18.1 ms against 4.0 ms for transpose(x) dy (the transposed x is
 * small). Elsewhere tf.matMul's own route is kept (transposes are free flags on GPUs).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { convStrategyFor } from './conv';

export type MatMulFn = (x: Tensor2D, w: Tensor2D) => Tensor2D;

/** x W as (W^T x^T)^T: the same values, tfjs's gradients (only the ones asked for are computed). */
function matMulByWeightRows(x: Tensor2D, w: Tensor2D): Tensor2D {
  return tf.transpose(tf.matMul(w, x, true, true)) as Tensor2D;
}

/** x W for training: both gradients always wanted, dW = transpose(x) dy, dx = dy W^T. */
const matMulWithGrads = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [Tensor2D, Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  const value = matMulByWeightRows(x, w);
  const gradFunc = (dy: Tensor2D, saved: Tensor[]): Tensor[] => {
    const [sx, sw] = saved as [Tensor2D, Tensor2D];
    return [tf.matMul(dy, sw, false, true), tf.matMul(tf.transpose(sx), dy)];
  };
  return { value, gradFunc };
});

/** x [B, K] times w [K, N] for training (gradients with respect to both). */
export function trainingMatMul(x: Tensor2D, w: Tensor2D): Tensor2D {
  if (convStrategyFor(tf.getBackend()) !== 'conv') return tf.matMul(x, w);
  return tf.tidy(() => matMulWithGrads(x, w) as Tensor2D);
}

/** x [B, K] times w [K, N] for the projection (a gradient with respect to x only). */
export function projectionMatMul(x: Tensor2D, w: Tensor2D): Tensor2D {
  if (convStrategyFor(tf.getBackend()) !== 'conv') return tf.matMul(x, w);
  return tf.tidy(() => matMulByWeightRows(x, w));
}
