/**
 * Out-of-memory handling and the worker's memory figures. Backends report an allocation
 * failure as a plain Error or RangeError with their own wording; isAllocationFailure() knows
 * them, so every job can turn one into EngineError 'out-of-memory' with a smaller setting to try.
 */
import * as tf from '@tensorflow/tfjs-core';
import { errorMessage } from '../engine/errors';
import type { DebugStats } from './robustProtocol';

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

/** Projections running now, the most ever at once and the last finished (the slider test reads them). */
export const projections = { running: 0, maxRunning: 0, started: 0, last: null as { iterations: number; stopped: boolean } | null };

export async function countProjection<T extends { stopped: boolean }>(iterations: number, run: () => Promise<T>): Promise<T> {
  projections.running++;
  projections.started++;
  projections.maxRunning = Math.max(projections.maxRunning, projections.running);
  try {
    const result = await run();
    projections.last = { iterations, stopped: result.stopped };
    return result;
  } finally {
    projections.running--;
  }
}

export type WorkerStats = DebugStats;

export function workerStats(): WorkerStats {
  const mem = tf.memory();
  return {
    numTensors: mem.numTensors,
    numBytes: mem.numBytes,
    projectionsStarted: projections.started,
    maxConcurrentProjections: projections.maxRunning,
    lastProjection: projections.last,
  };
}

/** A failure the test hook asks for, thrown by the next training job (see debug.ts). */
export const injected: { next: 'out-of-memory' | null } = { next: null };

export function throwInjected(): void {
  if (injected.next !== 'out-of-memory') return;
  injected.next = null;
  // V8's own wording when a typed array cannot be allocated.
  throw new RangeError('Array buffer allocation failed');
}
