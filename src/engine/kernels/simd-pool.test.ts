/**
 * The SIMD kernels' thread pool with real threads (Node worker threads standing in for the
 * browser's workers) on a shared memory: the chunks cover each call exactly once, and the
 * output is the same, value for value, whether the caller, the helpers or both compute it.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONV_SIMD_SHARED } from './conv-simd.generated';
import { CONTROL_BYTES, FILTER_C_BLOCK, SimdPool, chunkArgs, chunkUnits, type SimdFunction } from './simd-pool';

const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
const module = new WebAssembly.Module(Uint8Array.from(atob(CONV_SIMD_SHARED), (ch) => ch.charCodeAt(0)));
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<SimdFunction, (...args: number[]) => void>;
const run = (fn: SimdFunction, args: number[]) => exports[fn](...args);
const f32 = new Float32Array(memory.buffer);
const helpers: Worker[] = [];

/** Starts `n` helper threads on `control`; resolves once each has its instance. */
async function startHelpers(n: number, control: SharedArrayBuffer): Promise<void> {
  // Node 20's worker threads take no loader flags: the thread registers tsx itself, then loads the TypeScript.
  const url = JSON.stringify(new URL('../testing/simd-helper-thread.ts', import.meta.url).href);
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${url}); })`;
  await Promise.all(
    Array.from({ length: n }, async () => {
      const helper = new Worker(boot, { eval: true });
      helpers.push(helper);
      const ready = new Promise((resolve, reject) => {
        helper.once('message', resolve);
        helper.once('error', reject);
      });
      helper.postMessage({ module, memory, control });
      await ready;
    }),
  );
}

// Bytes: x [2, 20, 24, 8] at 0, filter [3, 3, 8, 16] at 64 K, bias at 72 K, dy [2, 20, 24, 16] at 80 K,
// outputs from 256 K (reference) and 768 K (pooled).
const X = 0;
const FILTER = 65536;
const BIAS = 73728;
const DY = 81920;
const REF = 262144;
const OUT = 786432;
const [N, H, W, CIN, COUT] = [2, 20, 24, 8, 16];
const convArgs = (out: number) => [X, FILTER, BIAS, out, 0, N * H, H, W, CIN, H, W, COUT, 3, 3, 1, 1, 1, 1, 0.2];
const filterArgs = (out: number) => [X, DY, out, N, H, W, CIN, H, W, COUT, 3, 3, 1, 1, 1, 0, CIN];
const CONV_FLOATS = N * H * W * COUT;
const FILTER_FLOATS = 9 * CIN * COUT;

beforeAll(() => {
  for (let i = 0; i < N * H * W * CIN; i++) f32[X / 4 + i] = Math.sin(i * 0.37);
  for (let i = 0; i < 9 * CIN * COUT; i++) f32[FILTER / 4 + i] = Math.cos(i * 0.11);
  for (let i = 0; i < COUT; i++) f32[BIAS / 4 + i] = i / 10 - 0.5;
  for (let i = 0; i < N * H * W * COUT; i++) f32[DY / 4 + i] = Math.sin(i * 0.23 + 1);
});
afterAll(async () => {
  await Promise.all(helpers.map((h) => h.terminate()));
});

function same(at: number, ref: number, floats: number): boolean {
  for (let i = 0; i < floats; i++) if (!Object.is(f32[at / 4 + i], f32[ref / 4 + i])) return false;
  return true;
}

describe('SIMD kernel chunks', () => {
  it('cover the rows, and the input channels in whole blocks, once each', () => {
    for (const chunks of [1, 3, 8, 40]) {
      const rows: number[] = [];
      for (let k = 0; k < chunks; k++) {
        const a = chunkArgs('conv2d', convArgs(0), k, chunks);
        for (let r = a[4]!; r < a[5]!; r++) rows.push(r);
      }
      expect(rows).toEqual(Array.from({ length: N * H }, (_, i) => i));
      const channels: number[] = [];
      for (let k = 0; k < Math.min(chunks, CIN / FILTER_C_BLOCK); k++) {
        const a = chunkArgs('filterGradient', filterArgs(0), k, Math.min(chunks, CIN / FILTER_C_BLOCK));
        expect(a[15]! % FILTER_C_BLOCK).toBe(0);
        for (let c = a[15]!; c < a[16]!; c++) channels.push(c);
      }
      expect(channels).toEqual(Array.from({ length: CIN }, (_, i) => i));
    }
    expect(chunkUnits('conv2d', convArgs(0))).toBe(N * H);
    expect(chunkUnits('filterGradient', filterArgs(0))).toBe(CIN / FILTER_C_BLOCK);
  });

  it('give the single call\'s values whether helpers alone or helpers and caller compute them', async () => {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    await startHelpers(2, control);
    run('conv2d', convArgs(REF));
    run('filterGradient', filterArgs(REF + 4 * CONV_FLOATS));
    const helpersOnly = new SimdPool(control, 2, run, 4, false);
    const shared = new SimdPool(control, 2, run);
    for (const pool of [helpersOnly, shared, helpersOnly, shared]) {
      for (let i = 0; i < CONV_FLOATS + FILTER_FLOATS; i++) f32[OUT / 4 + i] = NaN;
      pool.call('conv2d', convArgs(OUT));
      pool.call('filterGradient', filterArgs(OUT + 4 * CONV_FLOATS));
      expect(same(OUT, REF, CONV_FLOATS + FILTER_FLOATS)).toBe(true);
    }
  });
});
