/**
 * tfjs's Slice kernel on the wasm backend for 4-byte values (float32, int32) of up to four
 * dimensions, computed by simd-kernels.wat's crop in tfjs's memory. tfjs-wasm's own Slice is
 * JavaScript: it copies the whole input out of the module's memory first, then moves the block
 * one innermost run at a time (a channel cut from 8 to 3 is a call per pixel): Node, [4, 64, 64,
 * 8] to 3 channels 0.68 ms, [3, 3, 128, 8] to 4 0.22 ms. The engine cuts padded channels this
 * way after its filter gradients, and tfjs slices in gradients and splits.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { currentSimd, type WasmBackendLike } from './simd-module';
import { splitRange } from './simd-pool';

/** Row chunks per thread where helpers share a call. */
const CHUNKS_PER_THREAD = 2;

/** The Slice kernel: the crop where it applies, `theirs` (tfjs-wasm's) elsewhere. */
export function croppingSlice(theirs: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const simd = currentSimd();
    if (simd === null || (x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length > 4 || x.shape.length === 0) return theirs(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [number[], number[]];
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(extent, x.dtype as 'float32');
    if (extent.some((d) => d === 0)) return out;
    // Up to four dimensions, as [n, h, w, c] with leading ones.
    const lead = 4 - x.shape.length;
    const [, h, w, c] = [...Array<number>(lead).fill(1), ...x.shape] as [number, number, number, number];
    const [n0, h0, w0, c0] = [...Array<number>(lead).fill(0), ...start] as [number, number, number, number];
    const [n, ho, wo, co] = [...Array<number>(lead).fill(1), ...extent] as [number, number, number, number];
    const rows = n * ho;
    const parts = simd.parts(rows, CHUNKS_PER_THREAD, rows * wo * co);
    const [xp, op] = [simd.offset(x), simd.offset(out)];
    simd.call('crop', splitRange(0, rows, parts).map(([first, last]) => [xp, op, h, w, c, n0, h0, w0, c0, ho, wo, co, first, last]));
    return out;
  };
}
