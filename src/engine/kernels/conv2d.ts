/**
 * A 2-D convolution (with its bias and LeakyReLU when asked) as one tfjs kernel on the wasm
 * backend, computed by simd-kernels.wat's conv2d in place on tfjs's tensors (conv2dNarrow for
 * four output channels and fewer). It serves the layers'
 * forward pass and the input gradients (conv.ts), instead of XNNPACK's convolution. Node, one
 * thread, batch 16, with bias and LeakyReLU, 3 x 3 filters: 64 px, 32 -> 16 channels, 21.9 ->
 * 11.8 ms (27.6 -> 51.3 GFLOP/s); 32 px, 64 -> 32 channels, 18.6 -> 13.2 ms; without: 16 px,
 * 128 -> 64 channels, 15.7 -> 12.4 ms, 8 px, 128 -> 128, 8.6 -> 6.6 ms (the narrow ones padded
 * first, see PAD_BELOW_WIDTH).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import { padChannelsTo, padSides } from './pad';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';
import { splitRange } from './simd-pool';

const KERNEL = 'Conv2DSimd';
const NARROW = 'Conv2DNarrowSimd';
/** The kernel's register block: output channels a multiple of this. */
export const OUT_BLOCK = 8;
/** The narrow kernel's output channels: layers with fewer are padded to it. */
const NARROW_OUT = 4;
/** Chunks of output rows per thread where helpers share the work (more than one balances a busy core). */
export const ROW_CHUNKS_PER_THREAD = 4;
/**
 * Output rows narrower than this are computed from an explicitly padded copy of x: the kernel
 * takes the pixels whose window reaches past the left or right edge one at a time, at about
 * half its speed, and in a narrow row they are many (8 px: half of them). Node, batch 16,
 * 3 x 3, padded copy against padding in the kernel: 8 px (128 channels) 6.6 against 10.7 ms,
 * 16 px 18.3 against 20.6, 32 px 17.6 against 18.6, 64 px 18.5 against 16.9.
 */
const PAD_BELOW_WIDTH = 32;

/** Zero padding: rows before and after, columns before and after. */
export type Padding = readonly [top: number, bottom: number, left: number, right: number];

interface Attrs {
  kh: number;
  kw: number;
  stride: number;
  padTop: number;
  padLeft: number;
  ho: number;
  wo: number;
  leaky: number;
  alpha: number;
}

registerSimdKernel<Attrs>(
  KERNEL,
  ({ x, filter }, { ho, wo }) => [x!.shape[0]!, ho, wo, filter!.shape[3]!],
  (simd, { x, filter, bias }, out, a) => {
    const [n = 0, h = 0, w = 0, cin = 0] = x!.shape;
    const cout = filter!.shape[3]!;
    const b = bias === undefined ? 0 : simd.offset(bias);
    const [xp, fp, op] = [simd.offset(x!), simd.offset(filter!), simd.offset(out)];
    const rows = n * a.ho;
    const chunks = splitRange(0, rows, simd.parts(rows, ROW_CHUNKS_PER_THREAD, rows * a.wo * a.kh * a.kw * cin * cout)).map(([first, last]) => [
      ...[xp, fp, b, op, first, last, h, w, cin, a.ho, a.wo, cout],
      ...[a.kh, a.kw, a.stride, a.padTop, a.padLeft, a.leaky, a.alpha, cout, a.wo * cout, a.ho * a.wo * cout],
    ]);
    simd.call('conv2d', chunks);
  },
);

registerSimdKernel<Attrs>(
  NARROW,
  ({ x }, { ho, wo }) => [x!.shape[0]!, ho, wo, NARROW_OUT],
  (simd, { x, filter, bias }, out, a) => {
    const [n = 0, h = 0, w = 0, cin = 0] = x!.shape;
    const b = bias === undefined ? 0 : simd.offset(bias);
    const [xp, fp, op] = [simd.offset(x!), simd.offset(filter!), simd.offset(out)];
    const rows = n * a.ho;
    const chunks = splitRange(0, rows, simd.parts(rows, ROW_CHUNKS_PER_THREAD, rows * a.wo * a.kh * a.kw * cin * NARROW_OUT)).map(([first, last]) => [
      ...[xp, fp, b, op, first, last, h, w, cin, a.ho, a.wo],
      ...[a.kh, a.kw, a.stride, a.leaky, a.alpha],
    ]);
    simd.call('conv2dNarrow', chunks);
  },
);

/**
 * The narrow kernel's filter: [kh, kw, Cin, Cout] with Cout padded to 4, its taps and outputs
 * swapped, [kh, 4, kw Cin]: each output's window a row the kernel reads as vectors.
 */
function narrowFilter(filter: Tensor4D): Tensor3D {
  const [kh, kw, cin] = filter.shape;
  return tf.transpose(tf.reshape(padChannelsTo(filter, NARROW_OUT), [kh, kw * cin, NARROW_OUT]), [0, 2, 1]);
}

/** act(conv(x, filter) + bias) by the narrow kernel, x explicitly padded first; Cout <= 4. */
function narrowConv(x: Tensor4D, filter: Tensor4D, bias: Tensor1D | null, stride: number, padding: Padding, a: Omit<Attrs, 'padTop' | 'padLeft'>): Tensor4D {
  const cout = filter.shape[3];
  const padded = padSides(x, ...padding);
  const b = bias === null ? null : cout < NARROW_OUT ? tf.pad(bias, [[0, NARROW_OUT - cout]]) : bias;
  const attrs: Attrs = { ...a, stride, padTop: 0, padLeft: 0 };
  const filterT = narrowFilter(filter);
  const y = runSimdKernel<Tensor4D>(NARROW, b === null ? { x: padded, filter: filterT } : { x: padded, filter: filterT, bias: b }, attrs);
  return cout < NARROW_OUT ? tf.slice(y, [0, 0, 0, 0], [-1, -1, -1, cout]) : y;
}

/**
 * act(conv(x, filter) + bias): x [N, H, W, Cin] zero-padded by `padding`, filter
 * [kh, kw, Cin, Cout], bias [Cout] or null, stride `stride` -> [N, Ho, Wo, Cout]. Cout a
 * multiple of 8 (the kernel's block), or 4 and under (the narrow kernel's four channels, the
 * filter and bias padded to them and the output cut back: the last layer's 3 colours, a spatial
 * bottleneck's few channels; XNNPACK took 1.1 ms for 3 channels at batch 4, 64 px, 16 in, as
 * long as for 8). 'linear' and 'leakyrelu' (slope `alpha`) are applied as the kernel stores,
 * 'sigmoid' after. Null where the kernel does not apply: not wasm, no SIMD, Cout off both, or
 * another activation.
 */
export function conv2dSimd(
  x: Tensor4D,
  filter: Tensor4D,
  bias: Tensor1D | null,
  stride: number,
  padding: Padding,
  activation: string,
  alpha = 0,
): Tensor4D | null {
  const [kh, kw, , cout] = filter.shape;
  const [top, bottom, left, right] = padding;
  const ho = Math.floor((x.shape[1] + top + bottom - kh) / stride) + 1;
  const wo = Math.floor((x.shape[2] + left + right - kw) / stride) + 1;
  if (activation !== 'linear' && activation !== 'leakyrelu' && activation !== 'sigmoid') return null;
  // The narrow kernel reads a window row (kw Cin values) as vectors.
  const narrow = cout <= NARROW_OUT && (kw * filter.shape[2]) % 4 === 0;
  if ((cout % OUT_BLOCK !== 0 && !narrow) || ho < 1 || wo < 1 || currentSimd() === null) return null;
  const leaky = activation === 'leakyrelu' ? 1 : 0;
  return tf.tidy(() => {
    let y: Tensor4D;
    if (narrow) {
      y = narrowConv(x, filter, bias, stride, padding, { kh, kw, stride, ho, wo, leaky, alpha });
    } else {
      const run = (input: Tensor4D, padTop: number, padLeft: number) => {
        const attrs: Attrs = { kh, kw, stride, padTop, padLeft, ho, wo, leaky, alpha };
        return runSimdKernel<Tensor4D>(KERNEL, bias === null ? { x: input, filter } : { x: input, filter, bias }, attrs);
      };
      const wide = wo >= PAD_BELOW_WIDTH || left + right === 0;
      y = wide ? run(x, top, left) : run(padSides(x, ...padding), 0, 0);
    }
    return activation === 'sigmoid' ? tf.sigmoid(y) : y;
  });
}
