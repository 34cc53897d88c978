/**
 * One Adam update of a weight tensor as one tfjs kernel on the wasm backend (simd-kernels.wat's
 * adam): the new weights and both new moments in one pass over the four inputs. tfjs's
 * AdamOptimizer makes about fourteen elementwise kernels of it, each a pass over every
 * weight; for the app's model (6.3 M weights) they were about a third of a training step.
 * A large tensor's weights are shared out over the helper threads in contiguous ranges.
 * DenseAdamSimd takes a dense layer's step from x and dy (its gradient x^T dy made inside, row by
 * row, never written out), for the optimizer's deferred dense gradients (model/dense.ts).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, Tensor, Tensor2D, TensorInfo } from '@tensorflow/tfjs-core';
import { currentSimd, registerSimdKernelOutputs, type SimdKernels } from './simd-module';
import { splitRange } from './simd-pool';

const KERNEL = 'AdamSimd';
const DENSE_KERNEL = 'DenseAdamSimd';
/** Ranges per thread where helpers share a tensor's update. */
const CHUNKS_PER_THREAD = 2;

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t, t the step counted from 1. */
  biasCorrection1: number;
  biasCorrection2: number;
}

/** Registers an Adam kernel: `run` gets the new [w, m, v]'s outputs (tfjs's tensors never change) and the settings in the .wat's order. */
function registerAdamKernel(kernelName: string, run: (simd: SimdKernels, inputs: NamedTensorInfoMap, outs: TensorInfo[], settings: number[]) => void): void {
  registerSimdKernelOutputs<AdamSettings>(
    kernelName,
    (inputs) => ['w', 'm', 'v'].map((name) => [...inputs[name]!.shape]),
    (simd, inputs, outs, a) => run(simd, inputs, outs, [a.learningRate, a.beta1, a.beta2, a.epsilon, a.biasCorrection1, a.biasCorrection2]),
  );
}

registerAdamKernel(KERNEL, (simd, { w, m, v, g }, outs, settings) => {
  const floats = tf.util.sizeFromShape(w!.shape);
  const at = [w!, m!, v!, g!, ...outs].map((t) => simd.offset(t));
  // About ten operations a weight.
  const parts = simd.parts(Math.floor(floats / 4), CHUNKS_PER_THREAD, 10 * floats);
  simd.call('adam', adamChunks(at, floats, settings, parts));
});

// x [rows, K], dy [rows, N], w, m, v [K, N]: the weights' rows shared out.
registerAdamKernel(DENSE_KERNEL, (simd, { x, dy, w, m, v }, outs, settings) => {
  const [rows = 0, k = 0] = x!.shape;
  const n = dy!.shape[1] ?? 0;
  const at = [x!, dy!, w!, m!, v!, ...outs].map((t) => simd.offset(t));
  // The gradient's rows multiply-adds and Adam's ten operations a weight.
  const parts = simd.parts(k, CHUNKS_PER_THREAD, (rows + 10) * k * n);
  simd.call('denseAdam', splitRange(0, k, parts).map(([first, last]) => [...at, rows, k, n, first, last, ...settings]));
});

/**
 * The arguments of `parts` adam calls that together update `floats` weights: contiguous ranges of
 * whole vectors, the last one with the tail. `offsets`: w, m, v, g and the three outputs (bytes).
 */
export function adamChunks(offsets: readonly number[], floats: number, settings: readonly number[], parts: number): number[][] {
  const ranges = splitRange(0, Math.floor(floats / 4), parts);
  return ranges.map(([first, last], k) => {
    const begin = 4 * first;
    const count = k === ranges.length - 1 ? floats - begin : 4 * (last - first);
    return [...offsets.map((offset) => offset + 4 * begin), count, ...settings];
  });
}

/** The new [w, m, v] after one Adam step with gradient g; null where the kernel does not run (not wasm, no SIMD). */
export function adamStepSimd(w: Tensor, m: Tensor, v: Tensor, g: Tensor, settings: AdamSettings): [Tensor, Tensor, Tensor] | null {
  if (currentSimd() === null || [w, m, v, g].some((t) => t.dtype !== 'float32')) return null;
  return tf.engine().runKernel(KERNEL, { w, m, v, g }, settings as unknown as NamedAttrMap) as unknown as [Tensor, Tensor, Tensor];
}

/** Whether denseAdamStepSimd takes a step of weight w (float32 [K, N], N a multiple of 4) on this backend. */
export function denseAdamApplies(w: Tensor): boolean {
  return currentSimd() !== null && w.dtype === 'float32' && w.rank === 2 && (w.shape[1] ?? 0) % 4 === 0;
}

/**
 * The new [w, m, v] after one Adam step of a dense layer's weights w [K, N], whose gradient is
 * x^T dy (x [rows, K], dy [rows, N]); null where the kernel does not run.
 */
export function denseAdamStepSimd(x: Tensor2D, dy: Tensor2D, w: Tensor, m: Tensor, v: Tensor, settings: AdamSettings): [Tensor, Tensor, Tensor] | null {
  if (!denseAdamApplies(w) || [x, dy, m, v].some((t) => t.dtype !== 'float32')) return null;
  return tf.engine().runKernel(DENSE_KERNEL, { x, dy, w, m, v }, settings as unknown as NamedAttrMap) as unknown as [Tensor, Tensor, Tensor];
}
