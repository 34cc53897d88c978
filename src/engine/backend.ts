/**
 * Backend choice in one place. Order: an explicit override, else webgpu, wasm,
 * webgl, cpu; each candidate must pass a tiny conv-gradient smoke test with a
 * finite result before it is kept. The reason string is shown in the UI badge.
 */
import './tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { replaceWasmKernels } from './kernels/wasm-kernels';
import { prepareSimdKernels, simdHelpers } from './kernels/simd-module';
import { trainingConvLayer } from './model/layer';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  reason: string;
}

export interface BackendChoice {
  name: BackendName;
  /** One sentence for the badge, e.g. "WebGPU (software adapter: SwiftShader)". */
  reason: string;
  /** True when the GPU adapter is a software fallback (slow). */
  software: boolean;
  adapterInfo: string | null;
  tried: BackendAttempt[];
}

/** Where the wasm binaries live: a URL prefix, or one URL per file (Vite `?url` imports). */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

export interface ChooseBackendOptions {
  /** 'webgpu' | 'webgl' | 'wasm' | 'cpu'; wins over the order when it works. */
  override?: string | null;
  order?: readonly BackendName[];
  wasmPaths?: WasmPaths;
  /**
   * Threads for the WASM backend. More than 1 takes tfjs's threaded build, which needs shared
   * memory: a cross-origin isolated page (COOP + COEP headers); elsewhere it stays at 1.
   */
  wasmThreads?: number;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

interface Probe {
  ok: boolean;
  reason: string;
  software?: boolean;
  adapterInfo?: string | null;
  /** WASM threads asked for (1 = the single-threaded build). */
  threads?: number;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function isBackendName(s: unknown): s is BackendName {
  return typeof s === 'string' && (BACKEND_NAMES as readonly string[]).includes(s);
}

export async function chooseBackend(opts: ChooseBackendOptions = {}): Promise<BackendChoice> {
  const override = opts.override ? opts.override.toLowerCase() : null;
  const order = opts.order ?? BACKEND_NAMES;
  const candidates: BackendName[] = isBackendName(override)
    ? [override, ...order.filter((b) => b !== override)]
    : [...order];
  const tried: BackendAttempt[] = [];
  let softwareGpu: BackendChoice | null = null;
  for (const name of candidates) {
    const probe = await tryBackend(name, opts.wasmPaths, opts.wasmThreads ?? 1);
    tried.push({ name, ok: probe.ok, reason: probe.reason });
    if (!probe.ok) continue;
    const choice: BackendChoice = {
      name,
      reason: describeChoice(name, probe, tried, override),
      software: probe.software ?? false,
      adapterInfo: probe.adapterInfo ?? null,
      tried,
    };
    // Measured (npm run bench): a software WebGPU adapter is 20-40x slower than WASM, so
    // unless the URL asks for WebGPU, WASM wins over it when WASM works.
    if (name === 'webgpu' && choice.software && override !== 'webgpu') {
      softwareGpu = choice;
      continue;
    }
    if (softwareGpu && name === 'wasm') {
      choice.reason = `${probe.reason}: the WebGPU adapter is a software fallback${softwareGpu.adapterInfo ? ` (${softwareGpu.adapterInfo})` : ''}, slower than WASM`;
      return choice;
    }
    if (softwareGpu) break;
    return choice;
  }
  if (softwareGpu) {
    await tf.setBackend('webgpu');
    return { ...softwareGpu, tried };
  }
  throw new Error(`No TensorFlow.js backend works here: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

function describeChoice(name: BackendName, probe: Probe, tried: BackendAttempt[], override: string | null): string {
  const label = name === 'wasm' ? probe.reason : LABEL[name];
  if (name === 'webgpu') return probe.software ? `WebGPU (software adapter${probe.adapterInfo ? `: ${probe.adapterInfo}` : ''})` : 'WebGPU';
  const failed = tried.filter((t) => !t.ok);
  if (override === name && failed.length === 0) return `${label} (chosen in the URL)`;
  const first = failed[0];
  return first ? `${label}: ${first.reason}` : label;
}

async function tryBackend(name: BackendName, wasmPaths: WasmPaths | undefined, wasmThreads: number): Promise<Probe> {
  try {
    const prep = await prepare(name, wasmPaths, wasmThreads);
    if (!prep.ok) return prep;
    const ok = await tf.setBackend(name);
    if (!ok) return { ok: false, reason: `${LABEL[name]} failed to initialise` };
    await tf.ready();
    if (name === 'wasm') await prepareSimdKernels(prep.threads ?? 1);
    const smoke = await smokeTest();
    if (!smoke.ok) return smoke;
    if (name === 'wasm') return { ...prep, reason: describeWasm(prep.reason) };
    return prep;
  } catch (e) {
    return { ok: false, reason: `${LABEL[name]} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function prepare(name: BackendName, wasmPaths: WasmPaths | undefined, wasmThreads: number): Promise<Probe> {
  switch (name) {
    case 'cpu':
      return { ok: true, reason: 'CPU' };
    case 'webgpu':
      return prepareWebGpu();
    case 'webgl':
      if (typeof OffscreenCanvas === 'undefined') return { ok: false, reason: 'no OffscreenCanvas for WebGL' };
      await import('@tensorflow/tfjs-backend-webgl');
      return { ok: true, reason: 'WebGL' };
    case 'wasm': {
      if (typeof WebAssembly === 'undefined') return { ok: false, reason: 'no WebAssembly' };
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      replaceWasmKernels();
      const threads = wasmThreadsPossible() ? Math.max(1, Math.floor(wasmThreads)) : 1;
      // Threads take tfjs's threaded build, for its shared memory: the engine's SIMD kernels run
      // on helper threads sharing it (kernels/simd-module.ts), while tfjs's own kernels stay on
      // one thread (its thread pool cost more than it gave: README, WASM threads). One thread is
      // the plain SIMD build.
      if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      else wasm.setThreadsCount(1);
      if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths as Parameters<typeof wasm.setWasmPaths>[0]);
      return { ok: true, reason: 'WASM', threads };
    }
  }
}

/** Shared memory for WASM threads: only in a cross-origin isolated page or worker (and in Node, where tfjs has no threads). */
export function wasmThreadsPossible(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
}

/** The threads the WASM backend computes on: this one and the SIMD kernels' helpers (1 off wasm). */
export function wasmThreadCount(): number {
  return tf.getBackend() === 'wasm' ? 1 + simdHelpers() : 1;
}

function describeWasm(reason: string): string {
  const n = wasmThreadCount();
  return n > 1 ? `${reason}, ${n} threads` : reason;
}

async function prepareWebGpu(): Promise<Probe> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { ok: false, reason: 'no WebGPU in this browser' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const described = [info.vendor, info.architecture, info.description].filter((s) => s && s.length > 0).join(' ');
  const software =
    info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|software/i.test(described);
  await import('@tensorflow/tfjs-backend-webgpu');
  return {
    ok: true,
    reason: software ? 'WebGPU adapter is a software fallback' : 'WebGPU',
    software,
    adapterInfo: described.length > 0 ? described : null,
  };
}

/** A conv layer's forward and its three gradients through the model's own layer; must be finite. */
async function smokeTest(): Promise<Probe> {
  const grads = tf.tidy(() => {
    const x = tf.linspace(0, 1, 36).reshape([1, 6, 6, 1]) as tf.Tensor4D;
    const w = tf.linspace(-1, 1, 16).reshape([4, 4, 1, 1]) as tf.Tensor4D;
    const b = tf.tensor1d([0.1]);
    const spec = { stride: 2, pad: 1, activation: 'leakyrelu' } as const;
    const g = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
      trainingConvLayer(xi as tf.Tensor4D, wi as tf.Tensor4D, bi as tf.Tensor1D, spec).square().sum(),
    );
    const [dx, dw, db] = g([x, w, b]);
    return tf.concat([dx!.flatten(), dw!.flatten(), db!.flatten()]);
  });
  try {
    const values = await grads.data();
    const finite = values.every((v) => Number.isFinite(v)) && values.some((v) => v !== 0);
    return finite ? { ok: true, reason: 'smoke test passed' } : { ok: false, reason: 'conv gradient smoke test gave non-finite values' };
  } finally {
    grads.dispose();
  }
}

/**
 * Calls `onLost` when the WebGPU device behind the current backend is lost.
 * Returns false when the current backend has no device to watch.
 */
export function watchDeviceLoss(onLost: (message: string) => void): boolean {
  const backend = tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string }> } };
  const lost = backend.device?.lost;
  if (!lost) return false;
  void lost.then((info) => onLost(info.message ?? 'the GPU device was lost'));
  return true;
}
