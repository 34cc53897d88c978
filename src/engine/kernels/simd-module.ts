/**
 * The hand-written WebAssembly SIMD kernels (simd-kernels.wat), linked to tfjs-backend-wasm's own
 * memory so they read and write its tensors in place. One instance per backend, made on first
 * use (synchronous: the module is a few kilobytes, and this runs in a worker or in Node).
 * Where the module cannot be made (a browser without WebAssembly SIMD, where tfjs itself runs
 * its non-SIMD build) there is none, and the engine keeps tfjs's own kernels.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { SIMD_KERNELS_PLAIN, SIMD_KERNELS_SHARED } from './simd-kernels.generated';
import { CONTROL_BYTES, HELPER_SERVING, MAX_CHUNKS, SimdPool, type SimdFunction } from './simd-pool';

/** What the engine uses of tfjs-backend-wasm's backend object. */
export interface WasmBackendLike {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** simd-kernels.wat's exports; every pointer is a byte offset into tfjs's memory, every other argument an i32 but alpha. */
export interface SimdExports {
  /** (x, dy, out, h, w, cin, ho, wo, cout, kh, kw, stride, padTop, padLeft, firstRow, lastRow) */
  filterGradient(...args: number[]): void;
  /** (x, filter, bias, out, firstRow, lastRow, h, w, cin, ho, wo, cout, kh, kw, stride, padTop, padLeft, leaky, alpha, oPix, oRow, oImg) */
  conv2d(...args: number[]): void;
  /** (x padded, ft [kh, 4, kw cin], bias, out, firstRow, lastRow, h, w, cin, ho, wo, kh, kw, stride, leaky, alpha): a convolution to 4 channels as dot products. */
  conv2dNarrow(...args: number[]): void;
  accumulate(out: number, part: number, floats: number): void;
  /** (w, m, v, g, wOut, mOut, vOut, floats, lr, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t) */
  adam(...args: number[]): void;
  /** (x, dy, w, m, v, wOut, mOut, vOut, rows, kCount, n, first, last, lr, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t): adam with g = x^T dy, weight rows first .. last - 1. */
  denseAdam(...args: number[]): void;
  /** (x, x0, g, r, gain or 0, next, l1, per, first, last, alpha, lambda, weighted): a projection step's update of images first .. last - 1. */
  projectionUpdate(...args: number[]): void;
  /** (x or y, dy or 0, out, first, last, mode, alpha): LeakyReLU (0), its gradient (1) or the sigmoid's (2) from the output, floats first .. last - 1. */
  activation(...args: number[]): void;
  channelSums(x: number, out: number, pixels: number, channels: number): void;
  /** (a, ars, acs, b, out, sCount, n, first, last, jFirst, jLast): out[r, j] = sum over s of a[r ars + s acs] b[s, j]. */
  denseCombine(...args: number[]): void;
  /** (dy, w, dx, rows, kCount, n, first, last): dx[m, k] = sum over j of dy[m, j] w[k, j]. */
  denseDots(...args: number[]): void;
  /** (x, out, h, w, c, top, left, hp, wp, first, last): output rows first .. last - 1 of x zero-padded. */
  padSpatial(...args: number[]): void;
  /** (x, out, c, cp, pixels, first, last): pixels first .. last - 1 with zero channels after their c values, cp in all. */
  padChannels(...args: number[]): void;
  /** (x, out, h, w, c, n0, h0, w0, c0, ho, wo, co, first, last): output rows first .. last - 1 of the block of x from (n0, h0, w0, c0). */
  crop(...args: number[]): void;
  /** dst [ci, co] = src [ci, co], or dst [co, ci] its transpose; added to dst with accumulate 1. */
  tapBlock(dst: number, src: number, ci: number, co: number, transpose: 0 | 1, accumulate: 0 | 1): void;
  /** 96 floating-point operations an iteration at the core's 128-bit multiply and add rate; returns a value to keep. */
  mulAddPeak(iterations: number): number;
}

export interface SimdKernels {
  exports: SimdExports;
  /** Runs `fn` once per argument list, shared out over this thread and the helpers where there are some. */
  call(fn: SimdFunction, chunks: readonly (readonly number[])[]): void;
  /**
   * How many chunks to cut a call of `units` independent units and `macs` multiply-adds into:
   * 1 without helpers or for a call too small to be worth waking them, else up to `perThread`
   * a thread.
   */
  parts(units: number, perThread: number, macs: number): number;
  /**
   * Runs `fn` once per chunk, each summing its part into a buffer of its own, and adds the parts
   * up in `out` (`floats` of them, a multiple of 4): `chunks[k]` gives chunk k's arguments for the
   * byte offset of its buffer (the first chunk's is `out`, the others scratch freed after).
   */
  callSummed(fn: SimdFunction, out: number, floats: number, chunks: readonly ((target: number) => number[])[]): void;
  /** Helper threads sharing the calls (0 with tfjs's single-threaded build). */
  helpers: number;
  /** Resolves once the helpers serve chunks (at once where there are none). */
  serving: Promise<void>;
  /** The byte offset of a tensor's values in tfjs's memory. */
  offset(t: TensorInfo): number;
}

const instances = new WeakMap<object, SimdKernels | null>();
let enabled = true;

/** Turns the kernels off (true again: on where they can run); for benchmarks and tests. */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Calls with fewer multiply-adds than this stay on the calling thread: waking a helper and
 * waiting for its chunk costs tens of microseconds, and this is about 0.1 ms of work.
 */
const MIN_SHARED_MACS = 1 << 22;

/** How long prepareSimdKernels waits for the helpers to start before going on without them. */
const HELPERS_START_MS = 10_000;

/** Threads asked for the kernels (prepareSimdKernels): this one and threads - 1 helpers. */
let threadsAsked = 1;
/** The helper workers started last (each holds the memory of the backend it serves). */
let liveHelpers: Worker[] = [];

/**
 * Ends the helper threads (they hold the backend's memory): before a broken backend is dropped.
 * Safe between kernel calls, which are synchronous: the calling thread then computes every
 * chunk of the backend's later calls itself.
 */
export function releaseSimdHelpers(): void {
  for (const helper of liveHelpers) helper.terminate();
  liveHelpers = [];
}

/**
 * Helper threads for the kernels: one fewer than the threads asked for, where tfjs runs its
 * threaded build (shared memory) and this thread can start workers (a browser's page or
 * worker; Node's tfjs has no threaded build). `serving` resolves once each helper serves
 * chunks (or errs, or the wait ends).
 */
function startPool(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  run: (fn: SimdFunction, args: number[]) => void,
): { pool: SimdPool; serving: Promise<void>; workers: Worker[] } | null {
  const threads = threadsAsked;
  if (threads < 2 || typeof Worker === 'undefined') return null;
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const started: Promise<void>[] = [];
  const workers: Worker[] = [];
  for (let i = 1; i < threads; i++) {
    const helper = new Worker(new URL('./simd-helper.worker.ts', import.meta.url), { type: 'module', name: 'manifold-lens-simd' });
    workers.push(helper);
    started.push(
      new Promise<void>((resolve) => {
        helper.onmessage = (e) => e.data === HELPER_SERVING && resolve();
        // A helper that fails to start claims no chunks: the calling thread does them all.
        helper.onerror = () => resolve();
        setTimeout(resolve, HELPERS_START_MS);
      }),
    );
    helper.postMessage({ module, memory, control });
  }
  return { pool: new SimdPool(control, threads - 1, run), serving: Promise.all(started).then(() => undefined), workers };
}

function instantiate(backend: WasmBackendLike): SimdKernels | null {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const module = new WebAssembly.Module(decode(shared ? SIMD_KERNELS_SHARED : SIMD_KERNELS_PLAIN));
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
    const run = (fn: SimdFunction, args: number[]) => exports[fn](...args);
    const started = shared ? startPool(module, memory, run) : null;
    if (started) {
      // One backend's helpers at a time: those of a backend replaced (restarted after a trap) go.
      releaseSimdHelpers();
      liveHelpers = started.workers;
    }
    const pool = started?.pool ?? null;
    const helpers = pool?.helpers ?? 0;
    const offset = (t: TensorInfo) => {
      const data = backend.dataIdMap.get(t.dataId);
      if (data === undefined) throw new Error('a tensor the wasm backend does not hold');
      return data.memoryOffset;
    };
    const call: SimdKernels['call'] = (fn, chunks) => (pool ? pool.call(fn, chunks) : chunks.forEach((a) => run(fn, [...a])));
    return {
      exports,
      call,
      parts: (units, perThread, macs) =>
        helpers === 0 || macs < MIN_SHARED_MACS ? 1 : Math.max(1, Math.min(units, (helpers + 1) * perThread, MAX_CHUNKS)),
      callSummed: (fn, out, floats, chunks) => {
        const scratch = Array.from({ length: chunks.length - 1 }, () => backend.makeOutput([floats], 'float32'));
        try {
          const targets = [out, ...scratch.map(offset)];
          call(fn, chunks.map((args, k) => args(targets[k]!)));
          for (const part of targets.slice(1)) exports.accumulate(out, part, floats);
        } finally {
          for (const b of scratch) backend.disposeData(b.dataId);
        }
      },
      helpers,
      serving: started?.serving ?? Promise.resolve(),
      offset,
    };
  } catch {
    return null;
  }
}

/** The kernels for `backend` (a tfjs-backend-wasm backend object), or null where they cannot run. */
export function simdFor(backend: object): SimdKernels | null {
  let simd = instances.get(backend);
  if (simd === undefined) {
    simd = instantiate(backend as WasmBackendLike);
    instances.set(backend, simd);
  }
  return simd;
}

/** The kernels for the current backend: null unless it is wasm, they are enabled and they link. */
export function currentSimd(): SimdKernels | null {
  if (!enabled || tf.getBackend() !== 'wasm') return null;
  return simdFor(tf.backend());
}

/**
 * Registers a wasm-backend kernel computed by the SIMD module: `shape` gives its float32
 * output's shape, `run` fills it (every value) in place.
 */
export function registerSimdKernel<A>(
  kernelName: string,
  shape: (inputs: NamedTensorInfoMap, attrs: A) => number[],
  run: (simd: SimdKernels, inputs: NamedTensorInfoMap, out: TensorInfo, attrs: A) => void,
): void {
  registerSimdKernelOutputs<A>(kernelName, (inputs, attrs) => [shape(inputs, attrs)], (simd, inputs, [out], attrs) => run(simd, inputs, out!, attrs));
}

/** registerSimdKernel for a kernel of several float32 outputs: `shapes` gives theirs, in order. */
export function registerSimdKernelOutputs<A>(
  kernelName: string,
  shapes: (inputs: NamedTensorInfoMap, attrs: A) => number[][],
  run: (simd: SimdKernels, inputs: NamedTensorInfoMap, outs: TensorInfo[], attrs: A) => void,
): void {
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const simd = simdFor(backend);
      if (simd === null) throw new Error(`${kernelName}: the SIMD kernels are not linked to this backend`);
      const typed = attrs as unknown as A;
      const outs = shapes(inputs, typed).map((shape) => (backend as unknown as WasmBackendLike).makeOutput(shape, 'float32'));
      run(simd, inputs, outs, typed);
      return outs.length === 1 ? outs[0]! : outs;
    },
  });
}

/** Runs a kernel registered by registerSimdKernel. */
export function runSimdKernel<T extends tf.Tensor>(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: object): T {
  return tf.engine().runKernel(kernelName, inputs, attrs as NamedAttrMap) as T;
}

/**
 * Links the kernels to the current backend now (when it is wasm), with `threads` - 1 helper
 * threads where tfjs runs its threaded build, and waits until the helpers serve: a worker's
 * first message needs its starter's event loop, which a run of kernels that never yields to it
 * would hold off for good. Returns how many helpers it started.
 */
export async function prepareSimdKernels(threads = 1): Promise<number> {
  threadsAsked = threads;
  const simd = currentSimd();
  if (simd === null) return 0;
  await simd.serving;
  return simd.helpers;
}

/** The helper threads of the current backend's kernels (0 where there are none). */
export function simdHelpers(): number {
  return currentSimd()?.helpers ?? 0;
}
