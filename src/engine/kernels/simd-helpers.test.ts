/**
 * The helper threads' lifetime: started for a backend with shared memory (a stand-in Worker:
 * Node has no Web Workers), ended when another backend's kernels are made and when the engine
 * releases them before dropping a broken backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWasm } from '../testing/wasm';
import { prepareSimdKernels, releaseSimdHelpers, simdFor } from './simd-module';

class StandInWorker {
  static started: StandInWorker[] = [];
  terminated = false;
  received: unknown[] = [];
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    StandInWorker.started.push(this);
  }
  postMessage(data: unknown): void {
    this.received.push(data);
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** A wasm backend object as simd-module reads it, with a shared memory (tfjs's threaded build). */
function sharedBackend(): object {
  return {
    wasm: { wasmMemory: new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }) },
    dataIdMap: { get: () => undefined },
    makeOutput: () => ({}),
    disposeData: () => true,
  };
}

const realWorker = (globalThis as { Worker?: unknown }).Worker;
beforeAll(async () => {
  expect(await useWasm()).toBe(true);
  (globalThis as { Worker?: unknown }).Worker = StandInWorker;
  // Two threads asked for; Node's own wasm backend has no shared memory, so it gets no helper.
  expect(await prepareSimdKernels(2)).toBe(0);
});
afterAll(() => {
  (globalThis as { Worker?: unknown }).Worker = realWorker;
});

describe('the SIMD kernels\' helper threads', () => {
  it('start one helper per extra thread for a backend with shared memory, and end with the next backend or a release', () => {
    const first = simdFor(sharedBackend());
    expect(first?.helpers).toBe(1);
    const [a] = StandInWorker.started;
    expect(a?.received).toHaveLength(1);
    expect(a?.terminated).toBe(false);
    // A backend started afresh (after a trap) gets its own helper; the old one ends.
    const second = simdFor(sharedBackend());
    expect(second?.helpers).toBe(1);
    const b = StandInWorker.started[1];
    expect(a?.terminated).toBe(true);
    expect(b?.terminated).toBe(false);
    releaseSimdHelpers();
    expect(b?.terminated).toBe(true);
    expect(StandInWorker.started).toHaveLength(2);
  });
});
