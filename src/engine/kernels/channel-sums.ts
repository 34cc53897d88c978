/**
 * The sum of an NHWC tensor over everything but its channels (a bias's gradient) as one tfjs
 * kernel on the wasm backend (simd-kernels.wat's channelSums): one pass over the values. tfjs's
 * Sum over the leading axes transposes the channels innermost first; for the training step's
 * bias gradients (batch 16, 64 px) the two came to 5 to 17 ms of a step.
 */
import '../tf-setup';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';

const KERNEL = 'ChannelSumsSimd';
/** Channels a multiple of this (one vector). */
const BLOCK = 4;

registerSimdKernel<Record<string, never>>(
  KERNEL,
  ({ x }) => [x!.shape[3]!],
  (simd, { x }, out) => {
    const [n = 0, h = 0, w = 0, c = 0] = x!.shape;
    simd.exports.channelSums(simd.offset(x!), simd.offset(out), n * h * w, c);
  },
);

/** x [N, H, W, C] -> [C], summed over N, H and W; null where the kernel does not run (not wasm, no SIMD, C off its block). */
export function channelSumsSimd(x: Tensor4D): Tensor1D | null {
  if (x.shape[3] % BLOCK !== 0 || currentSimd() === null) return null;
  return runSimdKernel<Tensor1D>(KERNEL, { x }, {});
}
