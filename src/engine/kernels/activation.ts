/**
 * Elementwise activations as tfjs kernels on the wasm backend (simd-kernels.wat's activation):
 * LeakyReLU, and the gradients of LeakyReLU and of the sigmoid from the layer's output, each one
 * pass. tfjs-wasm's LeakyRelu takes about 5 ns a value (0.7 ms for the dense decoder's [16, 8192]
 * in a batch of 16), its gradient as Step + Multiply two passes, the sigmoid's three.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';
import { splitRange } from './simd-pool';

const KERNEL = 'ActivationSimd';
/** Ranges per thread where helpers share a call. */
const CHUNKS_PER_THREAD = 2;

/** The .wat's modes. */
const MODES = { leakyrelu: 0, leakyreluGrad: 1, sigmoidGrad: 2 } as const;
type Mode = keyof typeof MODES;

interface ActivationAttrs {
  mode: Mode;
  alpha: number;
}

registerSimdKernel<ActivationAttrs>(
  KERNEL,
  ({ x }) => [...x!.shape],
  (simd, { x, dy }, out, { mode, alpha }) => {
    const floats = tf.util.sizeFromShape(x!.shape);
    const at = [simd.offset(x!), dy === undefined ? 0 : simd.offset(dy), simd.offset(out)];
    const parts = simd.parts(floats, CHUNKS_PER_THREAD, 2 * floats);
    simd.call('activation', splitRange(0, floats, parts).map(([first, last]) => [...at, first, last, MODES[mode], alpha]));
  },
);

const runs = (...ts: Tensor[]) => currentSimd() !== null && ts.every((t) => t.dtype === 'float32' && t.size === ts[0]!.size);

/** max(x, alpha x), 0 < alpha < 1; null where the kernel does not run. */
export function leakyReluSimd<T extends Tensor>(x: T, alpha: number): T | null {
  return runs(x) ? runSimdKernel<T>(KERNEL, { x }, { mode: 'leakyrelu', alpha }) : null;
}

/**
 * The gradient before an activation from dy after it and the activation's output y: dy where
 * y > 0 else alpha dy (LeakyReLU), dy y (1 - y) (sigmoid); null where the kernel does not run.
 */
export function activationGradSimd<T extends Tensor>(dy: T, y: T, activation: 'leakyrelu' | 'sigmoid', alpha: number): T | null {
  if (!runs(y, dy)) return null;
  return runSimdKernel<T>(KERNEL, { x: y, dy }, { mode: activation === 'leakyrelu' ? 'leakyreluGrad' : 'sigmoidGrad', alpha });
}
