/** Test helper: a Node worker thread serving the SIMD kernels' chunks, as simd-helper.worker.ts does in the browser. */
import { parentPort } from 'node:worker_threads';
import { serveChunks, type SimdFunction } from '../kernels/simd-pool';

interface Start {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

parentPort?.once('message', ({ module, memory, control }: Start) => {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<SimdFunction, (...args: number[]) => void>;
  parentPort?.postMessage('ready');
  serveChunks(control, (fn, args) => exports[fn](...args));
});
