/**
 * One Adam step on a model's loss: its gradients, then the update. Where the engine's fused
 * kernel runs (wasm with SIMD), the dense layers' weights are left out of tfjs's gradients: their
 * products keep x and dy (model/dense.ts DeferredDenseGradients) and Adam makes each gradient
 * x^T dy inside its own pass (kernels/adam.ts DenseAdamSimd), never writing it out.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar } from '@tensorflow/tfjs-core';
import { denseAdamApplies } from '../kernels/adam';
import type { Vae } from '../model/autoencoder';
import type { Adam } from './adam';

/** Differentiates `loss` (a function of vae's weights), updates the weights with `optimizer`; returns the loss. */
export function takeAdamStep(vae: Vae, optimizer: Adam, loss: () => Scalar): Scalar {
  const deferred = vae.variables.filter((v) => denseAdamApplies(v));
  const others = vae.variables.filter((v) => !deferred.includes(v));
  vae.denseGradients.begin(deferred);
  let kept = new Map<tf.Tensor, { x: tf.Tensor2D; dy: tf.Tensor2D }>();
  try {
    const { value, grads } = tf.variableGrads(loss, others);
    kept = vae.denseGradients.end();
    try {
      // Each deferred weight is used once a step (a dense layer's matrix): one (x, dy) each.
      if (kept.size !== deferred.length) throw new Error(`${kept.size} of the ${deferred.length} dense weights left to Adam had their gradient kept.`);
      optimizer.step(grads, kept);
    } catch (e) {
      value.dispose();
      throw e;
    } finally {
      tf.dispose(Object.values(grads));
    }
    return value;
  } finally {
    vae.denseGradients.dispose();
    kept.forEach(({ x, dy }) => tf.dispose([x, dy]));
  }
}
