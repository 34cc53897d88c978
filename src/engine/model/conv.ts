/**
 * 2-D convolutions whose gradients every backend can compute, by the fastest route it has.
 *
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (training throws), its
 * Conv2DBackpropInput is a plain loop (about 10x its forward conv), and the cpu backend's
 * Conv2DBackpropFilter is about 10x slower than an im2col + matMul. So the model's convs run
 * inside tf.customGrad with one of two gradient strategies:
 *  - 'im2col': dx by conv2dTranspose (Conv2DBackpropInput), dFilter by im2col (one depthwise
 *    conv with a one-hot filter) and one matMul;
 *  - 'conv': both gradients as ordinary forward convs (the backends' fastest kernel; on wasm
 *    XNNPACK): dx is a stride-1 conv of the zero-dilated, padded dy with the flipped filter,
 *    dFilter a stride-1 conv with dilation = stride of x (batch moved to channels) with dy.
 * convStrategyFor picks one per backend, by measurement (see its comment).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';

export type ConvStrategy = 'im2col' | 'conv';

let forced: ConvStrategy | null = null;

/** Forces one strategy on every backend (tests, benchmarks); null restores the per-backend choice. */
export function setConvStrategyOverride(strategy: ConvStrategy | null): void {
  forced = strategy;
}

/**
 * The gradient strategy for a tfjs backend name (tf.getBackend()), chosen by npm run bench
 * (batch 16, the app's model): on wasm 'conv' makes a training step 3 to 5x faster (Node
 * and Chromium, 32 and 64 px) and a projection step 1.2 to 2.3x; on cpu its dilated
 * filter-gradient conv is slower than im2col (32 px step 3.9 -> 4.3 s); on webgl and webgpu
 * it was slower too, though only Chromium's software adapters were at hand to measure.
 */
export function convStrategyFor(backend: string): ConvStrategy {
  if (forced !== null) return forced;
  return backend === 'wasm' ? 'conv' : 'im2col';
}

function currentStrategy(): ConvStrategy {
  return convStrategyFor(tf.getBackend());
}

/**
 * Symmetric zero padding of `pad` pixels on each spatial side.
 * x [N, H, W, C] -> [N, H + 2 pad, W + 2 pad, C].
 */
export function padSpatial(x: Tensor4D, pad: number): Tensor4D {
  if (pad === 0) return x;
  return tf.pad(x, [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ]);
}

/**
 * Depthwise filter [kh, kw, Cin, kh * kw] that copies tap (i, j) of every
 * channel c to output channel c * kh * kw + i * kw + j: a depthwise conv with
 * it is im2col in one kernel call.
 */
function patchFilter(kh: number, kw: number, cin: number): Tensor4D {
  const taps = kh * kw;
  const data = new Float32Array(taps * cin * taps);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < cin; c++) data[(t * cin + c) * taps + t] = 1;
  }
  return tf.tensor4d(data, [kh, kw, cin, taps]);
}

/**
 * im2col filter gradient of a 'valid' convolution.
 * xp [N, Hp, Wp, Cin] (already padded), dy [N, Ho, Wo, Cout] -> [kh, kw, Cin, Cout].
 * The patches come from one depthwise conv with a one-hot filter rather than
 * kh * kw strided slices and a concat: measured 2 to 4x faster on wasm and
 * 4 to 9x on cpu, and one kernel launch instead of kh * kw + 1 on GPUs.
 * Copying through a one-hot filter is exact for finite inputs.
 */
export function filterGradIm2col(xp: Tensor4D, dy: Tensor4D, kh: number, kw: number, stride: number): Tensor4D {
  return tf.tidy(() => {
    const [n, ho, wo, cout] = dy.shape;
    const cin = xp.shape[3];
    const patches = tf.depthwiseConv2d(xp, patchFilter(kh, kw, cin), stride, 'valid');
    // Column order of the patches is (c, i, j); rows of the product follow it.
    const cols = tf.reshape(patches, [n * ho * wo, cin * kh * kw]);
    const g = tf.matMul(cols, tf.reshape(dy, [n * ho * wo, cout]), true, false);
    return tf.transpose(tf.reshape(g, [cin, kh, kw, cout]), [1, 2, 0, 3]);
  });
}

/**
 * Filter gradient of a 'valid' convolution as one forward conv.
 * xp [N, Hp, Wp, Cin] (already padded), dy [N, Ho, Wo, Cout] -> [kh, kw, Cin, Cout].
 * dF[i, j, c, o] = sum over n, a, b of xp[n, i + a s, j + b s, c] dy[n, a, b, o]: a conv of
 * xp seen as [Cin, Hp, Wp, N] with dy seen as a [Ho, Wo, N, Cout] filter, dilated by the
 * stride. tfjs forbids stride > 1 with dilation > 1; this conv has stride 1.
 */
export function filterGradConv(xp: Tensor4D, dy: Tensor4D, kh: number, kw: number, stride: number, pad = 0): Tensor4D {
  return tf.tidy(() => {
    const [n, ho, wo] = dy.shape;
    const [, h, w, cin] = xp.shape;
    // The windows span these padded rows and columns; the ones past them never reach the output.
    const spanH = kh + (ho - 1) * stride;
    const spanW = kw + (wo - 1) * stride;
    // The padding is the conv's own (no Pad op); the x rows past the span are cut first.
    const rows = Math.min(h, spanH - pad);
    const cols = Math.min(w, spanW - pad);
    const cut = rows < h || cols < w ? tf.slice(xp, [0, 0, 0, 0], [n, rows, cols, cin]) : xp;
    const input = tf.transpose(cut, [3, 1, 2, 0]);
    const filter = tf.transpose(dy, [1, 2, 0, 3]);
    const padding: tf.backend_util.ExplicitPadding = [[0, 0], [pad, spanH - pad - rows], [pad, spanW - pad - cols], [0, 0]];
    const g = tf.conv2d(input, filter, 1, padding, 'NHWC', stride);
    return tf.transpose(g, [1, 2, 0, 3]);
  });
}

/**
 * dy [N, Ho, Wo, C] with stride - 1 zeros after every row and column: [N, Ho s, Wo s, C].
 * A broadcast multiply by a one-hot [1, s, 1, s, 1] block (rank 5, like upsample2x) rather
 * than a rank-5 pad, whose webgl and webgpu shaders handle rank 4 at most.
 */
function dilateSpatial(dy: Tensor4D, stride: number): Tensor4D {
  if (stride === 1) return dy;
  const [n, ho, wo, c] = dy.shape;
  const mask = new Float32Array(stride * stride);
  mask[0] = 1;
  const spread = tf.mul(tf.reshape(dy, [n * ho, 1, wo, 1, c]), tf.tensor(mask, [1, stride, 1, stride, 1]));
  return tf.reshape(spread, [n, ho * stride, wo * stride, c]);
}

/**
 * Input gradient of a convolution with symmetric zero padding `pad`, as one forward conv
 * (what conv2dTranspose computes). dy [N, Ho, Wo, Cout], filter [kh, kw, Cin, Cout] ->
 * [N, H, W, Cin] (xShape). The zero-dilated dy, padded by k - 1 - pad in front and up to
 * H + k - 1 rows in all, is correlated with the flipped filter, in and out channels swapped.
 * Rows of dy that only reach the padding, or trailing zeros past it, are cropped first.
 */
export function inputGradConv(dy: Tensor4D, filter: Tensor4D, xShape: readonly number[], stride: number, pad = 0): Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const [, h = 0, w = 0] = xShape;
    let d = dilateSpatial(dy, stride);
    const top = Math.max(kh - 1 - pad, 0);
    const left = Math.max(kw - 1 - pad, 0);
    const skipH = top - (kh - 1 - pad);
    const skipW = left - (kw - 1 - pad);
    const rows = Math.min(d.shape[1] - skipH, h + kh - 1 - top);
    const cols = Math.min(d.shape[2] - skipW, w + kw - 1 - left);
    if (skipH > 0 || skipW > 0 || rows < d.shape[1] || cols < d.shape[2]) {
      d = tf.slice(d, [0, skipH, skipW, 0], [-1, rows, cols, -1]);
    }
    // The conv pads (no Pad op, no padded copy of dy).
    const padding: tf.backend_util.ExplicitPadding = [[0, 0], [top, h + kh - 1 - top - rows], [left, w + kw - 1 - left - cols], [0, 0]];
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(d, flipped, 1, padding);
  });
}

/** [dx, dFilter] of the convolution of x (unpadded) padded by `pad`. */
type GradFn = (dy: Tensor4D, x: Tensor4D, filter: Tensor4D, stride: number, pad: number) => [Tensor4D, Tensor4D];

// dx is computed for the unpadded x directly: the gradient of a separate Pad op is a Slice,
// which on the cpu backend cost about a fifth of a training step.
const GRADS: Record<ConvStrategy, GradFn> = {
  im2col: (dy, x, f, stride, pad) => [
    tf.conv2dTranspose(dy, f, x.shape, stride, pad),
    filterGradIm2col(padSpatial(x, pad), dy, f.shape[0], f.shape[1], stride),
  ],
  conv: (dy, x, f, stride, pad) => [inputGradConv(dy, f, x.shape, stride, pad), filterGradConv(x, dy, f.shape[0], f.shape[1], stride, pad)],
};

/**
 * The forward conv with symmetric zero padding. On wasm the conv pads (XNNPACK takes the padding),
 * which saves a Pad op and a padded copy per layer; elsewhere the measured route is kept: an
 * explicit Pad and a 'valid' conv. floor: the output size a 'valid' conv of the padded x has.
 */
function paddedConv(x: Tensor4D, filter: Tensor4D, stride: number, pad: number, strategy: ConvStrategy): Tensor4D {
  if (strategy === 'conv') return tf.conv2d(x, filter, stride, pad, 'NHWC', 1, 'floor');
  return tf.conv2d(padSpatial(x, pad), filter, stride, 'valid');
}

/** The padded convolution with the strategy's gradients. */
function convWithGrad(stride: number, pad: number, strategy: ConvStrategy): (x: Tensor4D, filter: Tensor4D) => Tensor4D {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [x, filter, save] = args as [Tensor4D, Tensor4D, tf.GradSaveFunc];
    save([x, filter]);
    const value = paddedConv(x, filter, stride, pad, strategy);
    const gradFunc = (dy: Tensor4D, saved: Tensor[]): Tensor[] => {
      const [sx, sf] = saved as [Tensor4D, Tensor4D];
      return GRADS[strategy](dy, sx, sf, stride, pad);
    };
    return { value, gradFunc };
  });
  return (x, filter) => op(x, filter) as Tensor4D;
}

/**
 * Convolution with explicit symmetric zero padding and backend-portable gradients (training).
 * x [N, H, W, Cin], filter [k, k, Cin, Cout] -> [N, floor((H + 2 pad - k) / stride) + 1, ..., Cout].
 * With k = 2 pad + 1 and stride 1 this equals tf.conv2d(x, filter, 1, 'same').
 */
export function conv2dFilterGrad(
  x: Tensor4D,
  filter: Tensor4D,
  stride: number,
  pad: number,
  strategy: ConvStrategy = currentStrategy(),
): Tensor4D {
  return tf.tidy(() => convWithGrad(stride, pad, strategy)(x, filter));
}

/**
 * The same convolution with tfjs's native gradient. Its filter gradient
 * (Conv2DBackpropFilter) is only evaluated when a caller asks for it, so this
 * is the cheaper choice when only the input gradient is needed (projection).
 */
export function conv2dNative(x: Tensor4D, filter: Tensor4D, stride: number, pad: number): Tensor4D {
  return tf.tidy(() => tf.conv2d(padSpatial(x, pad), filter, stride, 'valid'));
}

/**
 * The same convolution differentiable with respect to x only, its input gradient by
 * inputGradConv; the filter is a constant to tf.grad (tf.customGrad would compute every
 * input's gradient eagerly, so the filter is not an input). For the projection.
 */
export function conv2dInputGrad(x: Tensor4D, filter: Tensor4D, stride: number, pad: number): Tensor4D {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as Tensor4D;
    const value = paddedConv(xi, filter, stride, pad, 'conv');
    return { value, gradFunc: (dy: Tensor4D) => inputGradConv(dy, filter, xi.shape, stride, pad) };
  });
  return tf.tidy(() => op(x) as Tensor4D);
}

/** The conv a projection (input gradient only) should use under `strategy`. */
export function projectionConv(
  strategy: ConvStrategy = currentStrategy(),
): (x: Tensor4D, filter: Tensor4D, stride: number, pad: number) => Tensor4D {
  return strategy === 'conv' ? conv2dInputGrad : conv2dNative;
}
