/**
 * Zero padding of an NHWC tensor as tfjs kernels on the wasm backend, shared out over the
 * helper threads: its rows and columns (simd-kernels.wat's padSpatial: a row of the input one
 * memory copy, the zeros around it fills), or its channels (padChannels: a pixel of 3 values
 * one masked vector). tfjs-wasm's PadV2 walks the values one at a time: Node, [16, 32, 32, 32]
 * padded by one, 0.68 ms against an add's 0.20; [16, 64, 64, 3] to 4 or 8 channels, 1.5 ms.
 * A 64 px training step pads 15 times (narrow rows, the phase kernel's input, and the filter
 * gradients' channels in blocks).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';
import { splitRange } from './simd-pool';

const SPATIAL = 'PadSpatialSimd';
const CHANNELS = 'PadChannelsSimd';
/** Row chunks per thread where helpers share a call. */
const CHUNKS_PER_THREAD = 2;

interface Attrs {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

registerSimdKernel<Attrs>(
  SPATIAL,
  ({ x }, { top, bottom, left, right }) => {
    const [n = 0, h = 0, w = 0, c = 0] = x!.shape;
    return [n, h + top + bottom, w + left + right, c];
  },
  (simd, { x }, out, { top, bottom, left, right }) => {
    const [n = 0, h = 0, w = 0, c = 0] = x!.shape;
    const [hp, wp] = [h + top + bottom, w + left + right];
    const rows = n * hp;
    // Counted as work like a convolution's multiply-adds: a few operations a value.
    const parts = simd.parts(rows, CHUNKS_PER_THREAD, rows * wp * c);
    const [xp, op] = [simd.offset(x!), simd.offset(out)];
    simd.call('padSpatial', splitRange(0, rows, parts).map(([first, last]) => [xp, op, h, w, c, top, left, hp, wp, first, last]));
  },
);

registerSimdKernel<{ channels: number }>(
  CHANNELS,
  ({ x }, { channels }) => [...x!.shape.slice(0, -1), channels],
  (simd, { x }, out, { channels }) => {
    const c = x!.shape[x!.shape.length - 1] ?? 0;
    const pixels = x!.shape.slice(0, -1).reduce((a, d) => a * d, 1);
    const parts = simd.parts(pixels, CHUNKS_PER_THREAD, pixels * channels);
    const [xp, op] = [simd.offset(x!), simd.offset(out)];
    simd.call('padChannels', splitRange(0, pixels, parts).map(([first, last]) => [xp, op, c, channels, pixels, first, last]));
  },
);

/** x [N, H, W, C] with zero channels after its C, `channels` in all; null where the kernel does not run. */
export function padChannelsSimd(x: Tensor4D, channels: number): Tensor4D | null {
  if (x.dtype !== 'float32' || channels <= x.shape[3] || currentSimd() === null) return null;
  return runSimdKernel<Tensor4D>(CHANNELS, { x }, { channels });
}

/** x [N, H, W, C] zero-padded by top, bottom, left, right pixels; null where the kernel does not run (not wasm, no SIMD). */
export function padSpatialSimd(x: Tensor4D, top: number, bottom: number, left: number, right: number): Tensor4D | null {
  if (x.dtype !== 'float32' || [top, bottom, left, right].some((p) => p < 0) || currentSimd() === null) return null;
  return runSimdKernel<Tensor4D>(SPATIAL, { x }, { top, bottom, left, right });
}

/** x with zero channels after its C, `channels` in all: the kernel where it runs, else tfjs's Pad; x itself when it has as many. */
export function padChannelsTo(x: Tensor4D, channels: number): Tensor4D {
  const extra = channels - x.shape[3];
  if (extra <= 0) return x;
  return padChannelsSimd(x, channels) ?? tf.pad(x, [[0, 0], [0, 0], [0, 0], [0, extra]]);
}

/** x zero-padded by top, bottom, left, right pixels: the kernel where it runs, else tfjs's Pad; x itself when there is none. */
export function padSides(x: Tensor4D, top: number, bottom: number, left: number, right: number): Tensor4D {
  if (top + bottom + left + right === 0) return x;
  return padSpatialSimd(x, top, bottom, left, right) ?? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
}
