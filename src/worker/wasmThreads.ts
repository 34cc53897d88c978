/**
 * How many threads the worker's WASM backend gets: the engine's SIMD convolution kernels run on
 * all of them (engine/kernels), tfjs's other kernels on one. Threads need shared memory, which a
 * page has only when cross-origin isolated (the COOP and COEP headers of vite.config.ts; README,
 * Deploying). Measured on a 2-core machine (npm run bench, README WASM threads): 2 threads make a
 * batch-16 training step at 64 px about 1.6 x faster, the app's own default training (batch 4)
 * and the demo's about 1.2 x.
 */
export const MAX_WASM_THREADS = 4;

/** `asked` (the URL's threads=) when given, else every logical core up to MAX_WASM_THREADS. */
export function wasmThreads(asked: number | null): number {
  if (!globalThis.crossOriginIsolated) return 1;
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  return Math.max(1, Math.min(MAX_WASM_THREADS, asked ?? cores));
}
