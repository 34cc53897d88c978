/**
 * A helper thread of the SIMD kernels (simd-pool.ts): its own instance of the kernels, linked to
 * tfjs's shared memory, serving chunks of the calls made on the engine's thread.
 */
import { HELPER_SERVING, serveChunks, type SimdFunction } from './simd-pool';

interface Start {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

self.postMessage('loaded');
self.addEventListener(
  'message',
  (e: MessageEvent<Start>) => {
    const { module, memory, control } = e.data;
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<SimdFunction, (...args: number[]) => void>;
    self.postMessage('serving');
    self.postMessage(HELPER_SERVING);
    serveChunks(control, (fn, args) => exports[fn](...args));
  },
  { once: true },
);
