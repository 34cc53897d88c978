import type { Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import type { VaeConfig } from '../types';
import type { DeferredDenseGradients } from './dense';

/**
 * What the projection and the scoring need of a model: a differentiable
 * f(x) = decode(mu(encode(x))) on a batch [N, size, size, channels] in [0, 1].
 */
export interface Autoencoder {
  readonly config: VaeConfig;
  /** f(x): encoder mean (no sampling), then decoder. Differentiable w.r.t. x. */
  reconstruct(x: Tensor4D): Tensor4D;
}

/** The convolutional VAE. Its weights are tf.Variables; dispose() frees them. */
export interface Vae extends Autoencoder {
  readonly variables: Variable[];
  /** x [N,H,W,C] -> mu, logVar [N, latent]; the training path: differentiable w.r.t. the weights, not x. */
  encode(x: Tensor4D): { mu: Tensor2D; logVar: Tensor2D };
  /** z [N, latent] -> image [N,H,W,C] in (0, 1). */
  decode(z: Tensor2D): Tensor4D;
  /** The dense layers' weight gradients its training products leave to the optimizer while asked (train/step.ts). */
  readonly denseGradients: DeferredDenseGradients;
  /** How many tensors its projections keep, derived from the weights (transposes, flipped filters); dispose() frees them. */
  keptTensors(): number;
  dispose(): void;
}
