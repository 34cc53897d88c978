/**
 * One Adam update of a weight tensor as one tfjs kernel on the wasm backend (simd-kernels.wat's
 * adam): the new weights and both new moments in one pass over the four inputs. tfjs's
 * AdamOptimizer makes about fourteen elementwise kernels of it, each a pass over every
 * weight; for the app's model (6.3 M weights) they were about a third of a training step.
 * A large tensor's weights are shared out over the helper threads in contiguous ranges.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { currentSimd, simdFor, type WasmBackendLike } from './simd-module';
import { splitRange } from './simd-pool';

const KERNEL = 'AdamSimd';
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

tf.registerKernel({
  kernelName: KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const simd = simdFor(backend);
    if (simd === null) throw new Error(`${KERNEL}: the SIMD kernels are not linked to this backend`);
    const { w, m, v, g } = inputs as Record<'w' | 'm' | 'v' | 'g', TensorInfo>;
    const a = attrs as unknown as AdamSettings;
    const outs = [w, m, v].map((t) => (backend as unknown as WasmBackendLike).makeOutput([...t.shape], 'float32'));
    const floats = w.shape.reduce((p, d) => p * d, 1);
    const at = [w, m, v, g, ...outs].map((t) => simd.offset(t));
    const settings = [a.learningRate, a.beta1, a.beta2, a.epsilon, a.biasCorrection1, a.biasCorrection2];
    // About ten operations a weight.
    const parts = simd.parts(Math.floor(floats / 4), CHUNKS_PER_THREAD, 10 * floats);
    simd.call('adam', adamChunks(at, floats, settings, parts));
    return outs;
  },
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
