/**
 * The convolution count read from real tf.profile records (the SIMD kernels, XNNPACK's
 * convolution and tfjs's transposed convolution), and the SIMD ceiling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { conv2dSimd } from '../kernels/conv2d';
import { filterGradientSimd } from '../kernels/filter-gradient';
import { subPixelGradientSimd } from '../kernels/sub-pixel';
import { subPixelFilters } from '../model/conv';
import { setSimdKernelsEnabled } from '../kernels/simd-module';
import { useWasm } from '../testing/wasm';
import { convFlops, convMultiplyAdds, gflopsPerSecond, simdPeakGflops } from './arithmetic';
import { emptyMeasurement } from './measure';
import { profileKernels } from './profile';
import { createWorkloads } from './workloads';

let wasmOk = false;
beforeAll(async () => {
  wasmOk = await useWasm();
});
afterAll(() => setSimdKernelsEnabled(true));

/** The convolution operations tf.profile's records of `op` add up to. */
async function profiledFlops(op: () => tf.Tensor | null): Promise<number> {
  const info = await tf.profile(() => {
    op()?.dispose();
  });
  return convFlops(info.kernels);
}

describe('convFlops', () => {
  it('counts 2 kh kw Cin operations per output of the forward kernels, strides and padding included', async () => {
    expect(wasmOk).toBe(true);
    const x = tf.ones([2, 9, 9, 4]) as Tensor4D;
    const f = tf.ones([3, 3, 4, 8]) as Tensor4D;
    // SIMD kernel, stride 2, pad 1: 5 x 5 outputs.
    expect(await profiledFlops(() => conv2dSimd(x, f, null, 2, [1, 1, 1, 1], 'linear'))).toBe(2 * (2 * 5 * 5 * 8) * (3 * 3 * 4));
    // XNNPACK's Conv2D, valid: 7 x 7 outputs.
    expect(await profiledFlops(() => tf.conv2d(x, f, 1, 'valid'))).toBe(2 * (2 * 7 * 7 * 8) * (3 * 3 * 4));
    tf.dispose([x, f]);
  });

  it('counts the filter gradient over dy pixels, padded channels as run, and the transposed convolution per dy value', async () => {
    const x = tf.ones([2, 8, 8, 3]) as Tensor4D;
    const dy = tf.ones([2, 8, 8, 5]) as Tensor4D;
    // Runs on channels padded to 4 in, 8 out: the count is what the kernel did.
    expect(await profiledFlops(() => filterGradientSimd(x, dy, 3, 3, 1, 1))).toBe(2 * (3 * 3 * 4 * 8) * (2 * 8 * 8));
    const f = tf.ones([3, 3, 3, 5]) as Tensor4D;
    expect(await profiledFlops(() => tf.conv2dTranspose(dy, f, [2, 8, 8, 3], 1, 'same'))).toBe(2 * (2 * 8 * 8 * 5) * (3 * 3 * 3));
    // The encoder's input gradient, phases in place: each of the 2 x 16 x 16 x 16 outputs is a 2 x 2 x 5 window.
    const f4 = tf.ones([4, 4, 16, 5]) as Tensor4D;
    const quarters = subPixelFilters(f4);
    expect(await profiledFlops(() => subPixelGradientSimd(dy, quarters))).toBe(2 * (2 * 16 * 16 * 16) * (2 * 2 * 5));
    tf.dispose([x, dy, f, f4, ...quarters]);
  });

  it('ignores every other kernel', async () => {
    const a = tf.ones([4, 4, 4, 4]);
    expect(await profiledFlops(() => tf.relu(tf.add(a, a)))).toBe(0);
    expect(convMultiplyAdds({ name: 'Conv2D', inputShapes: [[1, 4, 4, 2]], outputShapes: [[1, 4, 4, 2]] })).toBe(0);
    a.dispose();
  });
});

describe('the bench profile', () => {
  it('counts a training step (forward and both gradients, the whole batch) apart from a projection step', async () => {
    const batch = 2;
    const w = createWorkloads({ size: 16, channels: 1, latent: 4, width: 8 }, batch);
    const m = { ...emptyMeasurement('wasm', 16, { latent: 4, width: 8, channels: 1, batch }), trainStepMs: 1 };
    try {
      await profileKernels(w, m, Number.POSITIVE_INFINITY);
    } finally {
      w.dispose();
    }
    const [train, projection] = [m.trainStepConvFlops ?? 0, m.projectionStepConvFlops ?? 0];
    expect(projection).toBeGreaterThan(0);
    // A projection step: the forward pass and the input gradients of one image; a training step
    // adds the filter gradients, for every image of the batch.
    expect(train).toBeGreaterThan(batch * projection);
    expect(m.simdPeakGflops).toBeGreaterThan(0);
    // Node's tfjs has no threaded build: the kernels run on this thread alone.
    expect(m.simdThreads).toBe(1);
  });
});

describe('simdPeakGflops', () => {
  it('measures a positive rate on wasm and none where the SIMD kernels are off', () => {
    expect(simdPeakGflops(2, 100_000)).toBeGreaterThan(0);
    setSimdKernelsEnabled(false);
    expect(simdPeakGflops(2, 100_000)).toBeNull();
    setSimdKernelsEnabled(true);
  });

  it('gflopsPerSecond divides, passing missing figures through', () => {
    expect(gflopsPerSecond(3e9, 100)).toBe(30);
    expect(gflopsPerSecond(null, 100)).toBeNull();
    expect(gflopsPerSecond(1e9, 0)).toBeNull();
  });
});
