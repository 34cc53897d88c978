/**
 * How much arithmetic a step does and how close it runs to what this core can do: the
 * convolutions' floating-point operations, counted from a profiled step's kernels, and the
 * core's rate of 128-bit WebAssembly multiplies and adds (simd-kernels.wat's mulAddPeak), the
 * ceiling of every SIMD kernel on one thread. Their ratio says how much faster a step could get
 * on this thread at best, whatever the batch.
 */
import { currentSimd } from '../kernels/simd-module';
import { median, round } from './stats';

/** What tf.profile records of a kernel that the count needs. */
export interface ProfiledKernel {
  name: string;
  inputShapes: (number[] | null | undefined)[];
  outputShapes: (number[] | null | undefined)[];
}

const size = (shape: readonly number[] | null | undefined) => (shape ? shape.reduce((a, b) => a * b, 1) : 0);

/**
 * Kernels whose output element costs kh x kw x Cin multiply-adds (filter: their second input,
 * [kh, kw, Cin, Cout]); the phase convolution's outputs each come from one of its four 2 x 2
 * quarters, the second input being the first of them.
 */
const FORWARD = new Set(['Conv2D', 'FusedConv2D', 'Conv2DSimd', 'PhaseConvSimd']);
/** Filter gradients from (x, dy): each of the [kh, kw, Cin, Cout] outputs sums over dy's N x Ho x Wo pixels. */
const FILTER_GRADIENT = new Set(['Conv2DBackpropFilter', 'Conv2DFilterGradientSimd']);

/** Multiply-adds of one convolution kernel call; 0 for any other kernel. */
export function convMultiplyAdds(k: ProfiledKernel): number {
  const [first, second] = k.inputShapes;
  if (FORWARD.has(k.name) && second?.length === 4) return size(k.outputShapes[0]) * second[0]! * second[1]! * second[2]!;
  if (k.name === 'Conv2DBackpropInput' && second?.length === 4) return size(first) * second[0]! * second[1]! * second[2]!;
  if (FILTER_GRADIENT.has(k.name) && second?.length === 4) return size(k.outputShapes[0]) * (size(second) / second[3]!);
  return 0;
}

/** Floating-point operations (a multiply-add counts two) of the convolutions among `kernels`, as the kernels ran them. */
export function convFlops(kernels: readonly ProfiledKernel[]): number {
  return kernels.reduce((sum, k) => sum + 2 * convMultiplyAdds(k), 0);
}

/** GFLOP/s of `flops` done in `ms`; null where either is missing. */
export function gflopsPerSecond(flops: number | null, ms: number | null): number | null {
  return flops === null || ms === null || ms <= 0 ? null : round(flops / ms / 1e6, 1);
}

/** Operations of one mulAddPeak iteration: 12 chains of an f32x4 multiply and an f32x4 add. */
const PEAK_FLOPS_PER_ITERATION = 12 * 4 * 2;

/**
 * GFLOP/s of this thread's 128-bit WebAssembly multiplies and adds (the median of `repeats`
 * runs of about 20 ms after one to compile), or null where the SIMD kernels do not run (not
 * wasm, no SIMD).
 */
export function simdPeakGflops(repeats = 5, iterations = 10_000_000): number | null {
  const simd = currentSimd();
  if (simd === null) return null;
  simd.exports.mulAddPeak(iterations / 10);
  const rates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    simd.exports.mulAddPeak(iterations);
    rates.push((iterations * PEAK_FLOPS_PER_ITERATION) / (performance.now() - start) / 1e6);
  }
  return round(median(rates), 1);
}
