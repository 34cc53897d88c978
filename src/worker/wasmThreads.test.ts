import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_WASM_THREADS, wasmThreads } from './wasmThreads';

afterEach(() => vi.unstubAllGlobals());

describe('wasmThreads', () => {
  it('is 1 where the page is not cross-origin isolated, whatever is asked', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    expect(wasmThreads(null)).toBe(1);
    expect(wasmThreads(4)).toBe(1);
  });

  it('takes every logical core up to the cap when isolated, or the number asked for', () => {
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(wasmThreads(null)).toBe(2);
    expect(wasmThreads(1)).toBe(1);
    vi.stubGlobal('navigator', { hardwareConcurrency: 16 });
    expect(wasmThreads(null)).toBe(MAX_WASM_THREADS);
    expect(wasmThreads(64)).toBe(MAX_WASM_THREADS);
  });
});
