/**
 * Training steps under tf.profile: peak tensors and bytes (every backend), and the time per
 * kernel on the synchronous backends (cpu, wasm); GPU backends report zero or sync per kernel,
 * so their breakdown is left out.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { simdHelpers } from '../kernels/simd-module';
import { convFlops, simdPeakGflops } from './arithmetic';
import { round } from './stats';
import type { BenchMeasurement, KernelTime } from './types';
import type { Workloads } from './workloads';

const TOP = 8;

/** Kernel times summed by kernel name, heaviest first; null when the backend timed nothing. */
export function topKernels(kernels: readonly { name: string; kernelTimeMs: unknown }[], top = TOP): KernelTime[] | null {
  const byName = new Map<string, KernelTime>();
  for (const k of kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byName.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls++;
    byName.set(k.name, entry);
  }
  const all = [...byName.values()].sort((a, b) => b.ms - a.ms);
  if (all.every((k) => k.ms === 0)) return null;
  return all.slice(0, top).map((k) => ({ ...k, ms: round(k.ms) ?? 0 }));
}

/** The first training step under tf.profile: fills peakTensors and peakBytes; returns its wall time. */
export async function warmUpTrainStep(w: Workloads, m: BenchMeasurement): Promise<number> {
  const start = performance.now();
  const info = await tf.profile(() => w.oneTrainStep() ?? undefined);
  const loss = info.result as tf.Tensor | undefined;
  try {
    await loss?.data();
  } finally {
    loss?.dispose();
  }
  m.peakBytes = info.peakBytes;
  m.peakTensors = Math.max(...info.kernels.map((k) => k.totalTensorsSnapshot));
  return performance.now() - start;
}

/**
 * Fills topKernels and topProjectionKernels from one more profiled training step and
 * projection step, on cpu and wasm only (their kernels run synchronously, so wall time per
 * kernel is real), unless it would overrun `deadline`; on wasm also the steps' convolution
 * operations and the thread's SIMD ceiling (arithmetic.ts).
 */
export async function profileKernels(w: Workloads, m: BenchMeasurement, deadline: number): Promise<void> {
  const backend = tf.getBackend();
  if (backend !== 'cpu' && backend !== 'wasm') return;
  const stepMs = m.trainStepMs;
  if (stepMs === null || deadline - performance.now() < 2 * stepMs) {
    m.skipped.push('kernel profile: no budget left');
    return;
  }
  const info = await tf.profile(() => {
    w.oneTrainStep()?.dispose();
  });
  m.topKernels = topKernels(info.kernels);
  // Read now: tf.profile hands back one object, whose kernels the next profile replaces.
  // Counted where the convolutions are the kernels arithmetic.ts knows (the cpu backend's
  // im2col route hides them in matrix products).
  const onWasm = backend === 'wasm';
  if (onWasm) m.trainStepConvFlops = convFlops(info.kernels);
  // The training steps changed the weights: one step first, so the profile shows the steady
  // state of a projection (on wasm the dense layers pack their weights once per value).
  w.oneProjectionStep().dispose();
  const projection = await tf.profile(() => {
    w.oneProjectionStep().dispose();
  });
  m.topProjectionKernels = topKernels(projection.kernels);
  if (onWasm) {
    m.projectionStepConvFlops = convFlops(projection.kernels);
    m.simdPeakGflops = simdPeakGflops();
    m.simdThreads = 1 + simdHelpers();
  }
}
