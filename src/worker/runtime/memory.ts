/**
 * Out-of-memory handling. Backends report an allocation
 * failure as a plain Error or RangeError with their own wording; isAllocationFailure() knows
 * them, so every job can turn one into EngineError 'out-of-memory' with a smaller setting to try.
 */
import { errorMessage } from '../../engine/errors';

/** V8, the WASM backend, WebGPU and WebGL wordings of "no memory left". */
const ALLOCATION_FAILURE = /out of memory|allocation failed|failed to allocate|array buffer allocation|invalid typed array length|invalid array buffer length|Aborted\(OOM\)|\bOOM\b|GPU memory|exceeds the max buffer size/i;

/**
 * How the WASM backend dies when its memory is exhausted (both measured training at 256 px, batch
 * 256, 64 filters): a kernel writes through a failed malloc and WebAssembly traps, or Emscripten's
 * malloc aborts. Either way the module is unusable afterwards and must be started afresh.
 */
export const WASM_TRAP = /memory access out of bounds|Aborted\(/i;

export function isAllocationFailure(e: unknown): boolean {
  const message = errorMessage(e);
  return (e instanceof RangeError && /buffer|array/i.test(message)) || ALLOCATION_FAILURE.test(message) || WASM_TRAP.test(message);
}
