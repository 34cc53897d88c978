/**
 * A filter derived from another's taps (model/filter-taps.ts) as one tfjs kernel on the wasm
 * backend: each tap of the new filter is one of the source filter's [ci, co] channel blocks, or
 * the sum of several, copied or added (simd-kernels.wat's tapBlock) straight from the source's
 * values in tfjs's memory, transposed to [co, ci] where the channels are swapped. Read back and
 * rearranged in JavaScript instead, these filters took 6 ms of a 64 px training step in Node and
 * 46 ms (a quarter of the step) in Chromium, whose loops over typed arrays ran 5 x slower.
 */
import '../tf-setup';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';

const KERNEL = 'TapSumsSimd';

/** For each tap of the new filter along one axis, the source's taps it sums. */
export type TapSets = readonly (readonly number[])[];

interface TapSumsAttrs {
  rows: TapSets;
  cols: TapSets;
  swap: boolean;
}

registerSimdKernel<TapSumsAttrs>(
  KERNEL,
  ({ filter }, { rows, cols, swap }) => {
    const [, , ci = 0, co = 0] = filter!.shape;
    return [rows.length, cols.length, swap ? co : ci, swap ? ci : co];
  },
  (simd, { filter }, out, { rows, cols, swap }) => {
    const [, kw = 0, ci = 0, co = 0] = filter!.shape;
    const blockBytes = 4 * ci * co;
    const src = simd.offset(filter!);
    let dst = simd.offset(out);
    for (const ri of rows) {
      for (const cj of cols) {
        // The first block is copied (every tap set has one: tapSumsSimd), the others added.
        let accumulate: 0 | 1 = 0;
        for (const i of ri) {
          for (const j of cj) {
            simd.exports.tapBlock(dst, src + (i * kw + j) * blockBytes, ci, co, swap ? 1 : 0, accumulate);
            accumulate = 1;
          }
        }
        dst += blockBytes;
      }
    }
  },
);

/**
 * [rows.length, cols.length, ci, co] (or [.., co, ci] with `swap`): tap (u, v) is the sum over
 * i in rows[u], j in cols[v] of filter's tap (i, j), its channels swapped with `swap`; null
 * where the kernel does not run (not wasm, no SIMD, a tap that sums nothing).
 */
export function tapSumsSimd(filter: Tensor4D, swap: boolean, rows: TapSets, cols: TapSets): Tensor4D | null {
  const empty = (sets: TapSets) => sets.some((s) => s.length === 0);
  if (filter.dtype !== 'float32' || empty(rows) || empty(cols) || currentSimd() === null) return null;
  return runSimdKernel<Tensor4D>(KERNEL, { filter }, { rows, cols, swap });
}
