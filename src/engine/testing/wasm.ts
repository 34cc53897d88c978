/** Test helper: run engine tests on tfjs-backend-wasm in Node (one thread, its binaries from node_modules). */
import { createRequire } from 'node:module';
import path from 'node:path';
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernels } from '../kernels/wasm-kernels';

const require = createRequire(import.meta.url);

/** Points tfjs-backend-wasm at its binaries; call before the first tf.setBackend('wasm'). */
export function prepareWasm(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  replaceWasmKernels();
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
}

/** Makes wasm the backend; false where it could not start. */
export async function useWasm(): Promise<boolean> {
  prepareWasm();
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  return ok;
}
