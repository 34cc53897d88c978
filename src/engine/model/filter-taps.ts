/**
 * Filters derived from a filter's taps: each tap of the new filter is one of the old filter's
 * taps, or the sum of several, its channel block ([Cin, Cout], or [Cout, Cin] with the channels
 * swapped) copied or added whole. What the convolutions' gradients and the decoder's upsampled
 * levels derive from their weights (conv.ts, upsampled.ts), on the backends whose tensors the
 * page can read at once (wasm, cpu): on wasm in one kernel over tfjs's memory
 * (kernels/tap-sums.ts), elsewhere from the read-back values.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { tapSumsSimd, type TapSets } from '../kernels/tap-sums';

export type { TapSets };

/** A filter's values, one [ci, co] channel block per tap, taps in row-major order. */
interface TapBlocks {
  data: Float32Array;
  kw: number;
  ci: number;
  co: number;
}

/** The filter derived filters are made from, its channels swapped ([kh, kw, Cout, Cin]) with `swap`. */
export interface TapSource {
  filter: Tensor4D;
  swap: boolean;
  /** Its values as tap blocks: read back once, on first use (only where the kernel does not run). */
  blocks(): TapBlocks;
}

/** `filter` as a source of derived filters, its channels swapped with `swap`. */
export function tapSource(filter: Tensor4D, swap: boolean): TapSource {
  let blocks: TapBlocks | null = null;
  return { filter, swap, blocks: () => (blocks ??= readBlocks(filter, swap)) };
}

function readBlocks(filter: Tensor4D, swap: boolean): TapBlocks {
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
 * A [rows.length, cols.length, ci, co] filter (ci, co the source's, swapped with its `swap`) whose
 * tap (u, v) is the sum of the source's taps (i, j), i in rows[u], j in cols[v].
 */
export function summedTaps(source: TapSource, rows: TapSets, cols: TapSets): Tensor4D {
  return tapSumsSimd(source.filter, source.swap, rows, cols) ?? summedOnHost(source.blocks(), rows, cols);
}

/** summedTaps from read-back values: whole channel blocks at a time (per element, with the
 * index sets in the inner loop, the upsampled levels' filters took 15 ms of a 64 px step). */
function summedOnHost({ data, kw, ci, co }: TapBlocks, rows: TapSets, cols: TapSets): Tensor4D {
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
