/**
 * The gradients of the network's 2-D convolutions, by the fastest route each backend has
 * (layer.ts builds the layers on them).
 *
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (training throws), its
 * Conv2DBackpropInput is a plain loop (about 10x its forward conv), and the cpu backend's
 * Conv2DBackpropFilter is about 10x slower than an im2col + matMul. So the model's layers run
 * inside tf.customGrad with one of two gradient strategies:
 *  - 'im2col': dx by conv2dTranspose (Conv2DBackpropInput), dFilter by im2col (one depthwise
 *    conv with a one-hot filter) and one matMul;
 *  - 'conv' (wasm): dx as a forward conv, a stride-1 conv of the zero-dilated, padded dy with
 *    the flipped filter (for the encoder's kernel-4, stride-2 layers 2 x 2 convs of dy, one per
 *    output phase, with a quarter of the multiply-adds), each by the engine's SIMD convolution
 *    (kernels/conv2d.ts) where its channel block fits, else XNNPACK's; dFilter by the SIMD
 *    filter-gradient kernel (kernels/filter-gradient.ts) where it fits, else as a stride-1
 *    XNNPACK conv with dilation = stride of x (batch moved to channels) with dy.
 * convStrategyFor picks one per backend, by measurement (see its comment).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { conv2dSimd, type Padding } from '../kernels/conv2d';
import { filterGradientSimd } from '../kernels/filter-gradient';
import { padSides } from '../kernels/pad';
import { subPixelGradientSimd } from '../kernels/sub-pixel';
import { singleTaps, summedTaps, tapSource } from './filter-taps';
import type { KeptWeights } from './kept-weights';

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

/**
 * Symmetric zero padding of `pad` pixels on each spatial side.
 * x [N, H, W, C] -> [N, H + 2 pad, W + 2 pad, C].
 */
export function padSpatial(x: Tensor4D, pad: number): Tensor4D {
  return padSides(x, pad, pad, pad, pad);
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

/** Whether the backend keeps tensors where a JS loop can read them at once (wasm, cpu). */
function onHost(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/**
 * The filter the input gradient's conv uses: [kh, kw, Cin, Cout] flipped in both spatial axes,
 * in and out channels swapped -> [kh, kw, Cout, Cin]. Where tensors live in memory the page can
 * read at once (wasm, cpu) it is one loop over the read-back values: tfjs-wasm's Reverse and
 * rank-4 Transpose are generic element-by-element kernels (Node, 3x3x128x128: 6.4 ms against
 * 0.5 ms this way); on GPU backends reading back would stall, and their kernels are fast.
 */
export function flippedFilter(filter: Tensor4D): Tensor4D {
  if (!onHost()) return tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  const [kh, kw] = filter.shape;
  const reversed = (n: number) => singleTaps(Array.from({ length: n }, (_, i) => n - 1 - i));
  return summedTaps(tapSource(filter, true), reversed(kh), reversed(kw));
}

/**
 * A stride-1 convolution of x zero-padded by `padding`: the SIMD kernel where it applies
 * (kernels/conv2d.ts), else tfjs's Conv2D (on wasm, XNNPACK's, which pads inside the kernel).
 */
function paddedConv(x: Tensor4D, filter: Tensor4D, padding: Padding): Tensor4D {
  const [top, bottom, left, right] = padding;
  return conv2dSimd(x, filter, null, 1, padding, 'linear') ?? tf.conv2d(x, filter, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]);
}

/**
 * Input gradient of a convolution with symmetric zero padding `pad`, as one forward conv
 * (what conv2dTranspose computes). dy [N, Ho, Wo, Cout], filter [kh, kw, Cin, Cout] ->
 * [N, H, W, Cin] (xShape). The zero-dilated dy, padded by k - 1 - pad in front and up to
 * H + k - 1 rows in all, is correlated with the flipped filter, in and out channels swapped.
 * Rows of dy that only reach the padding, or trailing zeros past it, are cropped first.
 * With `kept` (a projection: the filter stays the same from step to step) the rearranged
 * filters are made once per filter value and kept.
 */
export function inputGradConv(dy: Tensor4D, filter: Tensor4D, xShape: readonly number[], stride: number, pad = 0, kept?: KeptWeights): Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const [, h = 0, w = 0] = xShape;
    if (kh === 4 && kw === 4 && stride === 2 && pad === 1 && h === 2 * dy.shape[1] && w === 2 * dy.shape[2] && onHost()) {
      return inputGradSubPixel(dy, kept ? kept.of(filter, 'sub-pixel', (f) => subPixelFilters(f as Tensor4D)) : subPixelFilters(filter));
    }
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
    // The conv pads (no Pad op; the SIMD kernel copies narrow rows padded, see kernels/conv2d.ts).
    const flipped = kept ? kept.of(filter, 'flipped', (f) => flippedFilter(f as Tensor4D)) : flippedFilter(filter);
    return paddedConv(d, flipped, [top, h + kh - 1 - top - rows, left, w + kw - 1 - left - cols]);
  });
}

/**
 * [4, 4, Cin, Cout] -> the four [2, 2, Cout, Cin] quarters of the flipped filter, channels
 * swapped, one per phase (r, s) of the output's rows and columns, in the order G_00, G_01,
 * G_10, G_11: G_rs[u, v, o, c] = F[2 (1 - u) + r, 2 (1 - v) + s, c, o].
 */
function subPixelQuarters(filter: Tensor4D): Tensor4D[] {
  const source = tapSource(filter, true);
  // Phase r takes rows 2 + r and r (u = 0, 1), and so for the columns.
  const axis = (r: number) => singleTaps([2 + r, r]);
  return [0, 1].flatMap((r) => [0, 1].map((q) => summedTaps(source, axis(r), axis(q))));
}

/**
 * [4, 4, Cin, Cout] -> two [2, 3, Cout, 2 Cin] filters, one per phase r of the output's rows
 * (r = 0, 1), each holding both column phases side by side in its output channels: channels
 * 0 .. Cin - 1 the phase s = 1 (columns 0 and 1 of the window, column 2 zero), Cin .. 2 Cin - 1
 * the phase s = 0 (columns 1 and 2): Q_r[u, v, o, c] = G_r1[u, v, o, c] and
 * Q_r[u, v, o, Cin + c] = G_r0[u, v - 1, o, c]. One loop over the filter's values.
 */
function subPixelRowFilters(filter: Tensor4D): Tensor4D[] {
  const [, kw, cin, cout] = filter.shape;
  const src = filter.dataSync();
  const at = (i: number, j: number, c: number, o: number) => src[((i * kw + j) * cin + c) * cout + o] ?? 0;
  return [0, 1].map((r) => {
    const out = new Float32Array(2 * 3 * cout * 2 * cin);
    let k = 0;
    for (let u = 0; u < 2; u++) {
      for (let v = 0; v < 3; v++) {
        for (let o = 0; o < cout; o++) {
          for (let c = 0; c < cin; c++) out[k++] = v < 2 ? at(2 * (1 - u) + r, 2 * (1 - v) + 1, c, o) : 0;
          for (let c = 0; c < cin; c++) out[k++] = v > 0 ? at(2 * (1 - u) + r, 2 * (2 - v), c, o) : 0;
        }
      }
    }
    return tf.tensor4d(out, [2, 3, cout, 2 * cin]);
  });
}

/**
 * Below this many input channels the sub-pixel input gradient computes both column phases in
 * one conv (subPixelRowFilters): stacking the phases along the columns moves Cin floats at a
 * time in tfjs-wasm's Pack, slow for few channels. Node, both in one process, 3 channels: 4.5 -> 1.5 ms
 * at batch 16, 0.35 -> 0.12 at batch 1; 16 channels: 2.6 against 2.8 ms; 32: 2.0 against 2.7
 * (the 2 x 3 window's half more multiply-adds then cost more than the stacking).
 */
const ROW_FILTERS_BELOW_CHANNELS = 16;

/** The filters inputGradSubPixel uses for this filter: its row-phase pair or its four quarters. */
export function subPixelFilters(filter: Tensor4D): Tensor4D[] {
  return filter.shape[2] < ROW_FILTERS_BELOW_CHANNELS ? subPixelRowFilters(filter) : subPixelQuarters(filter);
}

/**
 * The input gradient of a kernel-4, stride-2, pad-1 convolution of an even-sized x (the
 * encoder's layers) without the zero-dilated dy. Pixel (2a + 1 - r, 2b + 1 - s) of x, r and s
 * the phases of the padded x's rows and columns, is a 2 x 2 correlation of dy with the filter
 * quarter G_rs, over dy rows a - r .. a + 1 - r and columns b - s .. b + 1 - s: one stride-1
 * conv per phase, padded on the side that phase reaches past, each [N, Ho, Wo, Cin]; stacking
 * the column phases after b and the row phases after a is already the interleaved image. With
 * few channels, one conv per row phase computes both column phases at once with a 2 x 3 window
 * over columns b - 1 .. b + 1: its 2 Cin output channels, phase s = 1 then s = 0, are x's
 * columns 2b and 2b + 1, so a reshape interleaves them. No depth-to-space or crop (tfjs-wasm's
 * DepthToSpace is a generic element loop and its Slice copies the whole input first). A
 * quarter of the dilated route's multiply-adds (three eighths with the 2 x 3 windows). On wasm
 * with Cin a multiple of 8, one SIMD kernel writes the four phases in place instead
 * (kernels/sub-pixel.ts; Node, batch 16, the 64 px encoder's three such layers 8.1 -> 5.3 ms).
 */
function inputGradSubPixel(dy: Tensor4D, filters: Tensor4D[]): Tensor4D {
  const [n, ho, wo] = dy.shape;
  const byRows = filters.length === 2;
  // On wasm, the four phases written in place by one SIMD kernel (no stacking).
  const inPlace = byRows ? null : subPixelGradientSimd(dy, filters);
  if (inPlace) return inPlace;
  const cin = byRows ? filters[0]!.shape[3] / 2 : filters[0]!.shape[3];
  // x row 2a: phase r = 1 (dy rows a - 1, a: pad before); x row 2a + 1: r = 0 (rows a, a + 1: pad after).
  const pads = (phase: number): [number, number] => (phase === 1 ? [1, 0] : [0, 1]);
  const rows = [1, 0].map((r) => {
    if (byRows) return tf.reshape(paddedConv(dy, filters[r]!, [...pads(r), 1, 1]), [n, ho, 2 * wo, cin]);
    const cols = [1, 0].map((q) => paddedConv(dy, filters[2 * r + q]!, [...pads(r), ...pads(q)]));
    return tf.stack(cols, 3);
  });
  return tf.reshape(tf.stack(rows, 2), [n, 2 * ho, 2 * wo, cin]);
}

/**
 * Gradient of the convolution of x (unpadded, [N, H, W, Cin] = xShape) padded by `pad` with
 * respect to x. It is computed for the unpadded x directly: the gradient of a separate Pad op is
 * a Slice, which on the cpu backend cost about a fifth of a training step. `kept`: see
 * inputGradConv.
 */
export function inputGradient(
  strategy: ConvStrategy,
  dy: Tensor4D,
  filter: Tensor4D,
  xShape: readonly number[],
  stride: number,
  pad: number,
  kept?: KeptWeights,
): Tensor4D {
  if (strategy === 'conv') return inputGradConv(dy, filter, xShape, stride, pad, kept);
  return tf.conv2dTranspose(dy, filter, xShape as [number, number, number, number], stride, pad);
}

/**
 * Gradient of the same convolution with respect to its [kh, kw, Cin, Cout] filter. On wasm the
 * hand-written SIMD kernel where its channel blocks fit (kernels/filter-gradient.ts), else the
 * forward-conv route.
 */
export function filterGradient(
  strategy: ConvStrategy,
  x: Tensor4D,
  dy: Tensor4D,
  kh: number,
  kw: number,
  stride: number,
  pad: number,
): Tensor4D {
  if (strategy === 'conv') {
    const swapped = dy.shape[3] <= FEW_OUTPUTS && x.shape[3] % 8 === 0 && stride === 1 && kh === kw && pad <= kh - 1 ? fewOutputsFilterGradient(x, dy, kh, pad) : null;
    return swapped ?? filterGradientSimd(x, dy, kh, kw, stride, pad) ?? filterGradConv(x, dy, kh, kw, stride, pad);
  }
  return filterGradIm2col(padSpatial(x, pad), dy, kh, kw, stride);
}

/** Output channels this few make the filter gradient's SIMD kernel pad dy to its block of 8. */
const FEW_OUTPUTS = 4;

/**
 * The filter gradient of a stride-1 convolution to a few channels (the last layer's 3 colours):
 * dF[i, j, c, o] = sum over q of x[q, c] dy[q - i + pad, o], which is the filter gradient of dy
 * taken as the input, padded by k - 1 - pad, with x as the output gradient, flipped and its
 * channels swapped. dy's few channels then pad to the kernel's block of 4 input channels instead
 * of 8 outputs: half the multiply-adds, none of the lanes idle. Null where the kernel does not run.
 */
function fewOutputsFilterGradient(x: Tensor4D, dy: Tensor4D, k: number, pad: number): Tensor4D | null {
  const g = filterGradientSimd(dy, x, k, k, 1, k - 1 - pad);
  if (g === null) return null;
  try {
    return flippedFilter(g);
  } finally {
    g.dispose();
  }
}
