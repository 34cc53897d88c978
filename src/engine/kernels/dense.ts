/**
 * The dense layers' three products in training as tfjs kernels on the wasm backend
 * (simd-kernels.wat's denseCombine and denseDots), each streaming the large matrix once, its
 * rows shared out over the helper threads: x W, dy W^T and x^T dy for a batch of a few images. On
 * XNNPACK, x W packs W anew every step (W changes) and the two gradients take a transposed
 * operand or a scalar loop (model/dense.ts): for the app's model, batch 4, the products were
 * 9 ms of a 60 ms training step in Chromium.
 */
import '../tf-setup';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { currentSimd, registerSimdKernel, runSimdKernel, type SimdKernels } from './simd-module';
import { splitRange } from './simd-pool';

/** Chunks per thread where helpers share a product. */
const CHUNKS_PER_THREAD = 2;

const shape2 = (t: { shape: number[] }): [number, number] => [t.shape[0] ?? 0, t.shape[1] ?? 0];

/** [first, last) ranges of `units` for this call's threads; `macs` its multiply-adds. */
const ranges = (simd: SimdKernels, units: number, macs: number) => splitRange(0, units, simd.parts(units, CHUNKS_PER_THREAD, macs));

// x [M, K] W [K, N] -> [M, N]: W's rows shared out, each chunk summing its rows' part into a
// buffer of its own, added up after. (Sharing out the columns instead made two threads write
// the same output rows at every row of W: 16 ms against 2 on one thread, 4 x 16384 x 256.)
registerSimdKernel<Record<string, never>>(
  'DenseForwardSimd',
  ({ x, w }) => [shape2(x!)[0], shape2(w!)[1]],
  (simd, { x, w }, out) => {
    const [m, k] = shape2(x!);
    const n = shape2(w!)[1];
    const [xp, wp, op] = [simd.offset(x!), simd.offset(w!), simd.offset(out)];
    const chunks = ranges(simd, k, m * k * n).map(([first, last]) => (target: number) => [xp + 4 * first, k, 1, wp + 4 * first * n, target, last - first, n, 0, m, 0, n]);
    simd.callSummed('denseCombine', op, m * n, chunks);
  },
);

// x^T dy: x [M, K], dy [M, N] -> [K, N]: the rows shared out, each built from the M rows of dy.
registerSimdKernel<Record<string, never>>(
  'DenseFilterGradientSimd',
  ({ x, dy }) => [shape2(x!)[1], shape2(dy!)[1]],
  (simd, { x, dy }, out) => {
    const [m, k] = shape2(x!);
    const n = shape2(dy!)[1];
    const [xp, dp, op] = [simd.offset(x!), simd.offset(dy!), simd.offset(out)];
    const chunks = ranges(simd, k, m * k * n).map(([first, last]) => [xp, 1, k, dp, op, m, n, first, last, 0, n]);
    simd.call('denseCombine', chunks);
  },
);

// dy W^T: dy [M, N], W [K, N] -> [M, K]: W's rows shared out, each read once.
registerSimdKernel<Record<string, never>>(
  'DenseInputGradientSimd',
  ({ dy, w }) => [shape2(dy!)[0], shape2(w!)[0]],
  (simd, { dy, w }, out) => {
    const [m, n] = shape2(dy!);
    const k = shape2(w!)[0];
    const [dp, wp, op] = [simd.offset(dy!), simd.offset(w!), simd.offset(out)];
    const chunks = ranges(simd, k, m * k * n).map(([first, last]) => [dp, wp, op, m, k, n, first, last]);
    simd.call('denseDots', chunks);
  },
);

/** Whether the kernels take a product whose W has `n` columns (whole vectors), on this backend. */
const applies = (n: number, ...ts: Tensor2D[]) => n % 4 === 0 && ts.every((t) => t.dtype === 'float32') && currentSimd() !== null;

/** x [M, K] times w [K, N]; null where the kernels do not run (not wasm, no SIMD, N not a multiple of 4). */
export function denseForwardSimd(x: Tensor2D, w: Tensor2D): Tensor2D | null {
  return applies(w.shape[1], x, w) ? runSimdKernel<Tensor2D>('DenseForwardSimd', { x, w }, {}) : null;
}

/** dW = x^T dy [K, N] from x [M, K] and dy [M, N]; null where the kernels do not run. */
export function denseFilterGradientSimd(x: Tensor2D, dy: Tensor2D): Tensor2D | null {
  return applies(dy.shape[1], x, dy) ? runSimdKernel<Tensor2D>('DenseFilterGradientSimd', { x, dy }, {}) : null;
}

/** dx = dy W^T [M, K] from dy [M, N] and w [K, N]; null where the kernels do not run. */
export function denseInputGradientSimd(dy: Tensor2D, w: Tensor2D): Tensor2D | null {
  return applies(dy.shape[1], dy, w) ? runSimdKernel<Tensor2D>('DenseInputGradientSimd', { dy, w }, {}) : null;
}
