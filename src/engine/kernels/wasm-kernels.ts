/**
 * The engine's versions of two tfjs-wasm kernels, put in place of tfjs's own once
 * tfjs-backend-wasm has registered them: Identity sharing memory (identity.ts) and Slice by the
 * SIMD module's crop (slice.ts). Each keeps tfjs's kernel for what it does not cover.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { sharedIdentity } from './identity';
import { croppingSlice } from './slice';

const REPLACEMENTS: Record<string, (theirs: KernelFunc) => KernelFunc> = { Identity: sharedIdentity, Slice: croppingSlice };
/** The kernels put in place, so that a second call leaves them be. */
const installed = new WeakSet<KernelFunc>();

export function replaceWasmKernels(): void {
  for (const [kernelName, replace] of Object.entries(REPLACEMENTS)) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current === undefined || installed.has(current.kernelFunc)) continue;
    const ours = replace(current.kernelFunc);
    installed.add(ours);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: ours });
  }
}
