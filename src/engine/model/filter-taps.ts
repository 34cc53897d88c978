/**
 * Filters rearranged on the host from a filter's read-back values: each tap of the new filter is
 * one of the old filter's taps, or the sum of several, its channel block ([Cin, Cout], or
 * [Cout, Cin] with the channels swapped) copied or added whole. What the convolutions' gradients
 * and the decoder's upsampled levels derive from their weights (conv.ts, upsampled.ts); on the
 * backends whose tensors the page can read at once (wasm, cpu).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';

/** A filter's values, one [ci, co] channel block per tap, taps in row-major order. */
export interface TapBlocks {
  data: Float32Array;
  kw: number;
  ci: number;
  co: number;
}

/** For each tap of the new filter along one axis, the old filter's taps it sums. */
export type TapSets = readonly (readonly number[])[];

/** `filter`'s values as tap blocks, its channels swapped ([kh, kw, Cout, Cin]) with `swap`: read back once. */
export function tapBlocks(filter: Tensor4D, swap: boolean): TapBlocks {
  const src = filter.dataSync() as Float32Array;
  const [kh, kw, ci, co] = filter.shape;
  if (!swap) return { data: src, kw, ci, co };
  const data = new Float32Array(src.length);
  for (let t = 0, base = 0; t < kh * kw; t++, base += ci * co) {
    // Written in order, read across: the faster way round.
    for (let o = 0, to = base; o < co; o++) {
      for (let c = 0; c < ci; c++) data[to++] = src[base + c * co + o] as number;
    }
  }
  return { data, kw, ci: co, co: ci };
}

/**
 * A [rows.length, cols.length, ci, co] filter whose tap (u, v) is the sum of the blocks' taps
 * (i, j), i in rows[u], j in cols[v]: whole channel blocks at a time (per element, with the index
 * sets in the inner loop, the upsampled levels' filters took 15 ms of a 64 px training step).
 */
export function summedTaps({ data, kw, ci, co }: TapBlocks, rows: TapSets, cols: TapSets): Tensor4D {
  const block = ci * co;
  const out = new Float32Array(rows.length * cols.length * block);
  let at = 0;
  for (const ri of rows) {
    for (const cj of cols) {
      let first = true;
      for (const i of ri) {
        for (const j of cj) {
          const from = (i * kw + j) * block;
          // The first tap is copied (a plain copy for the single-tap filters), the others added.
          if (first) out.set(data.subarray(from, from + block), at);
          else for (let k = 0; k < block; k++) out[at + k]! += data[from + k] as number;
          first = false;
        }
      }
      at += block;
    }
  }
  return tf.tensor4d(out, [rows.length, cols.length, ci, co]);
}

/** Single taps: [[a], [b], ...]. */
export const singleTaps = (taps: readonly number[]): TapSets => taps.map((t) => [t]);
