/**
 * The SIMD kernels' thread pool with real threads (Node worker threads standing in for the
 * browser's workers) on a shared memory: the chunks cover each call exactly once, and the
 * output is the same, value for value, whether the caller, the helpers or both compute it.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMD_KERNELS_SHARED } from './simd-kernels.generated';
import { adamChunks } from './adam';
import { CONTROL_BYTES, SimdPool, splitRange, type SimdFunction } from './simd-pool';

const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
const module = new WebAssembly.Module(Uint8Array.from(atob(SIMD_KERNELS_SHARED), (ch) => ch.charCodeAt(0)));
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<SimdFunction | 'accumulate', (...args: number[]) => void>;
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
const ROWS = N * H;
const convChunk = (out: number, [first, last]: [number, number]) => [X, FILTER, BIAS, out, first, last, H, W, CIN, H, W, COUT, 3, 3, 1, 1, 1, 1, 0.2, COUT, W * COUT, H * W * COUT];
const filterChunk = (out: number, [first, last]: [number, number]) => [X, DY, out, H, W, CIN, H, W, COUT, 3, 3, 1, 1, 1, first, last];
const CONV_FLOATS = N * H * W * COUT;
// Adam: w, m, v, g from 1.5 M, 4 K floats apart; the reference's outputs after them, the pooled ones after those.
const ADAM = 1572864;
const ADAM_FLOATS = 1001;
const ADAM_STRIDE = 16384;
const adamAt = (first: number) => [0, 1, 2].map((k) => ADAM + ADAM_STRIDE * (first + k));
const ADAM_INPUTS = [0, 1, 2, 3].map((k) => ADAM + ADAM_STRIDE * k);
const ADAM_SETTINGS = [0.01, 0.9, 0.999, 1e-7, 0.19, 0.002];
const FILTER_FLOATS = 9 * CIN * COUT;
const PARTS = 5;

beforeAll(() => {
  for (let i = 0; i < N * H * W * CIN; i++) f32[X / 4 + i] = Math.sin(i * 0.37);
  for (let i = 0; i < 9 * CIN * COUT; i++) f32[FILTER / 4 + i] = Math.cos(i * 0.11);
  for (let i = 0; i < COUT; i++) f32[BIAS / 4 + i] = i / 10 - 0.5;
  for (let i = 0; i < N * H * W * COUT; i++) f32[DY / 4 + i] = Math.sin(i * 0.23 + 1);
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < ADAM_FLOATS; i++) f32[(ADAM + ADAM_STRIDE * k) / 4 + i] = k === 2 ? 0.01 + Math.cos(i) ** 2 : Math.sin(i * (k + 1) * 0.7);
  }
});
afterAll(async () => {
  await Promise.all(helpers.map((h) => h.terminate()));
});

function same(at: number, ref: number, floats: number): boolean {
  for (let i = 0; i < floats; i++) if (!Object.is(f32[at / 4 + i], f32[ref / 4 + i])) return false;
  return true;
}

/** Bytes of the k-th partial filter gradient after `base`. */
const part = (base: number, k: number) => base + 4 * CONV_FLOATS + 4 * FILTER_FLOATS * k;

describe('SIMD kernel chunks', () => {
  it('cut a range into contiguous parts that cover it once', () => {
    expect(splitRange(0, 40, 3)).toEqual([
      [0, 13],
      [13, 26],
      [26, 40],
    ]);
    expect(splitRange(5, 7, 2)).toEqual([
      [5, 6],
      [6, 7],
    ]);
    expect(splitRange(0, 9, 1)).toEqual([[0, 9]]);
  });

  it('give one thread\'s values whether helpers alone or helpers and caller compute them', async () => {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    await startHelpers(2, control);
    // On this thread: the whole convolution in one call, and the filter gradient's parts one by one, added up.
    run('conv2d', convChunk(REF, [0, ROWS]));
    splitRange(0, ROWS, PARTS).forEach((rows, k) => run('filterGradient', filterChunk(part(REF, k), rows)));
    for (let k = 1; k < PARTS; k++) exports.accumulate(part(REF, 0), part(REF, k), FILTER_FLOATS);
    const helpersOnly = new SimdPool(control, 2, run, false);
    const shared = new SimdPool(control, 2, run);
    for (const pool of [helpersOnly, shared, helpersOnly, shared]) {
      f32.fill(NaN, OUT / 4, part(OUT, PARTS) / 4);
      pool.call('conv2d', splitRange(0, ROWS, 7).map((rows) => convChunk(OUT, rows)));
      pool.call('filterGradient', splitRange(0, ROWS, PARTS).map((rows, k) => filterChunk(part(OUT, k), rows)));
      for (let k = 1; k < PARTS; k++) exports.accumulate(part(OUT, 0), part(OUT, k), FILTER_FLOATS);
      expect(same(OUT, REF, CONV_FLOATS + FILTER_FLOATS)).toBe(true);
    }
  });

  it('update Adam\'s weights in ranges, the tail included, as one call does', async () => {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    await startHelpers(1, control);
    run('adam', [...ADAM_INPUTS, ...adamAt(4), ADAM_FLOATS, ...ADAM_SETTINGS]);
    const pool = new SimdPool(control, 1, run);
    for (const parts of [1, 3, 7]) {
      const chunks = adamChunks([...ADAM_INPUTS, ...adamAt(7)], ADAM_FLOATS, ADAM_SETTINGS, parts);
      expect(chunks).toHaveLength(parts);
      for (let k = 7; k < 10; k++) f32.fill(NaN, (ADAM + ADAM_STRIDE * k) / 4, (ADAM + ADAM_STRIDE * k) / 4 + ADAM_FLOATS);
      pool.call('adam', chunks);
      for (let k = 0; k < 3; k++) expect(same(ADAM + ADAM_STRIDE * (7 + k), ADAM + ADAM_STRIDE * (4 + k), ADAM_FLOATS)).toBe(true);
    }
  });

  it('refuse more chunks than the control block holds', () => {
    const pool = new SimdPool(new SharedArrayBuffer(CONTROL_BYTES), 0, run);
    expect(() => pool.call('conv2d', splitRange(0, ROWS, 65).map((rows) => convChunk(OUT, rows)))).toThrow(/at most 64 chunks/);
  });
});
