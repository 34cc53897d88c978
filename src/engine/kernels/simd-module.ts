/**
 * The hand-written WebAssembly SIMD kernels (conv-simd.wat), linked to tfjs-backend-wasm's own
 * memory so they read and write its tensors in place. One instance per backend, made on first
 * use (synchronous: the module is a few kilobytes, and this runs in a worker or in Node).
 * Where the module cannot be made (a browser without WebAssembly SIMD, where tfjs itself runs
 * its non-SIMD build) there is none, and the engine keeps tfjs's own kernels.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { CONV_SIMD_PLAIN, CONV_SIMD_SHARED } from './conv-simd.generated';

/** What the engine uses of tfjs-backend-wasm's backend object. */
export interface WasmBackendLike {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

/** conv-simd.wat's exports; every pointer is a byte offset into tfjs's memory. */
export interface ConvSimdExports {
  filterGradient(
    x: number,
    dy: number,
    out: number,
    n: number,
    h: number,
    w: number,
    cin: number,
    ho: number,
    wo: number,
    cout: number,
    kh: number,
    kw: number,
    stride: number,
    padTop: number,
    padLeft: number,
  ): void;
  conv2d(
    x: number,
    filter: number,
    bias: number,
    out: number,
    n: number,
    h: number,
    w: number,
    cin: number,
    ho: number,
    wo: number,
    cout: number,
    kh: number,
    kw: number,
    stride: number,
    padTop: number,
    padLeft: number,
    leaky: number,
    alpha: number,
  ): void;
}

export interface ConvSimd {
  exports: ConvSimdExports;
  /** The byte offset of a tensor's values in tfjs's memory. */
  offset(t: TensorInfo): number;
}

const instances = new WeakMap<object, ConvSimd | null>();
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

function instantiate(backend: WasmBackendLike): ConvSimd | null {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const module = new WebAssembly.Module(decode(shared ? CONV_SIMD_SHARED : CONV_SIMD_PLAIN));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return {
      exports: instance.exports as unknown as ConvSimdExports,
      offset: (t) => {
        const data = backend.dataIdMap.get(t.dataId);
        if (data === undefined) throw new Error('a tensor the wasm backend does not hold');
        return data.memoryOffset;
      },
    };
  } catch {
    return null;
  }
}

/** The kernels for `backend` (a tfjs-backend-wasm backend object), or null where they cannot run. */
export function simdFor(backend: object): ConvSimd | null {
  let simd = instances.get(backend);
  if (simd === undefined) {
    simd = instantiate(backend as WasmBackendLike);
    instances.set(backend, simd);
  }
  return simd;
}

/** The kernels for the current backend: null unless it is wasm, they are enabled and they link. */
export function currentSimd(): ConvSimd | null {
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
  run: (simd: ConvSimd, inputs: NamedTensorInfoMap, out: TensorInfo, attrs: A) => void,
): void {
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const simd = simdFor(backend);
      if (simd === null) throw new Error(`${kernelName}: the SIMD kernels are not linked to this backend`);
      const typed = attrs as unknown as A;
      const out = (backend as unknown as WasmBackendLike).makeOutput(shape(inputs, typed), 'float32');
      run(simd, inputs, out, typed);
      return out;
    },
  });
}

/** Runs a kernel registered by registerSimdKernel. */
export function runSimdKernel<T extends tf.Tensor>(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: object): T {
  return tf.engine().runKernel(kernelName, inputs, attrs as NamedAttrMap) as T;
}
