/**
 * URLs of the tfjs WASM binaries as Vite emits them, made absolute so the worker (whose base
 * URL differs from the page's) can fetch them. Served from our own origin, never a CDN.
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export function wasmPaths(): Record<string, string> {
  const abs = (u: string) => new URL(u, document.baseURI).href;
  return {
    'tfjs-backend-wasm.wasm': abs(plain),
    'tfjs-backend-wasm-simd.wasm': abs(simd),
    'tfjs-backend-wasm-threaded-simd.wasm': abs(threaded),
  };
}
