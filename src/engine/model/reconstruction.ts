/**
 * Reconstruction terms L_r(x, y): how far an image x is from its reconstruction y = f(x). The
 * training loss and the projection's energy use the same term, the one stored with the model.
 *
 * Every term is a SUM over the H * W * C values of one image, so the step size alpha stays per
 * image (ALGORITHM.md). Scales, for a pixel off by d:
 *   'l2'   (x - y)^2                        d^2 per value (today's default, the paper's)
 *   'l1'   |x - y|                          |d| per value
 *   'ssim' (1 - SSIM(x, y)) / 2 per value   0 for equal windows, up to 1 for anti-correlated ones
 *   'mix'  w * ssim + (1 - w) * l1         w = ssimWeight (0.84 in Zhao et al. 2017)
 *
 * SSIM (Wang et al. 2004) over a Gaussian window (sigma 1.5, side 7 or 11), with C1 = 0.01^2 and
 * C2 = 0.03^2 for values in [0, 1]. The blur is separable and written as two products with banded
 * matrices whose rows are renormalised at the borders (no zero padding darkening the edges); it is
 * made of matMul and transpose only, so its gradient exists on every tfjs backend. The products
 * are plain ones with the band's transpose made on the host, their gradients written out:
 * tfjs-wasm runs a product with a transpose flag as a scalar loop (the SSIM term cost 23 ms more
 * a training step of the app's model that way, batch 4, 64 px).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import type { ReconstructionTerm } from '../types';
import { perImageSum, sumOver } from './sum';

export const DEFAULT_RECONSTRUCTION: ReconstructionTerm = { kind: 'l2' };
export const SSIM_SIGMA = 1.5;
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;
/** Rec. 601 luma weights, for SSIM on luma. */
const LUMA = [0.299, 0.587, 0.114];

export function reconstructionOf(term: ReconstructionTerm | undefined): Required<ReconstructionTerm> {
  const t = term ?? DEFAULT_RECONSTRUCTION;
  return { kind: t.kind, window: t.window ?? 11, on: t.on ?? 'channels', ssimWeight: t.ssimWeight ?? 0.84 };
}

/** A short label for tables and the page, e.g. "ssim 11 luma", "mix 0.84". */
export function reconstructionLabel(term: ReconstructionTerm | undefined): string {
  const t = reconstructionOf(term);
  if (t.kind === 'l2' || t.kind === 'l1') return t.kind;
  const ssim = `ssim ${t.window}${t.on === 'luma' ? ' luma' : ''}`;
  return t.kind === 'ssim' ? ssim : `${t.ssimWeight} ${ssim} + ${(1 - t.ssimWeight).toFixed(2)} l1`;
}

/** n x n row-stochastic banded matrix: row i holds the Gaussian window centred on i, cut at the borders and renormalised. */
export function gaussianBand(n: number, window: number, sigma = SSIM_SIGMA): Float32Array {
  const half = Math.floor(window / 2);
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) sum += Math.exp(-((j - i) ** 2) / (2 * sigma * sigma));
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) {
      m[i * n + j] = Math.exp(-((j - i) ** 2) / (2 * sigma * sigma)) / sum;
    }
  }
  return m;
}

/** The n x n matrix m (row-major) transposed. */
function transposed(m: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[j * n + i] = m[i * n + j]!;
  }
  return out;
}

const bands = new Map<string, { band: Float32Array; bandT: Float32Array }>();

/** The n x n band for `window` and its transpose, made once per size and window (an SSIM term blurs ten times a step). */
function bandOf(n: number, window: number): { band: Float32Array; bandT: Float32Array } {
  const key = `${n} ${window}`;
  let pair = bands.get(key);
  if (pair === undefined) {
    const band = gaussianBand(n, window);
    pair = { band, bandT: transposed(band, n) };
    bands.set(key, pair);
  }
  return pair;
}

/**
 * x [M, n] times G^T for the n x n band G: x G^T as a plain product with G^T, and the gradient
 * dy G, plain too (tfjs's own gradient of a product takes the transpose flag).
 */
function timesBandTransposed(x: Tensor2D, n: number, window: number): Tensor2D {
  const { band, bandT } = bandOf(n, window);
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as Tensor2D;
    const value = tf.matMul(xi, tf.tensor2d(bandT, [n, n])) as Tensor2D;
    return { value, gradFunc: (dy: Tensor2D) => tf.matMul(dy, tf.tensor2d(band, [n, n])) };
  });
  return op(x) as Tensor2D;
}

/** Gaussian blur of every channel of t [N, H, W, K]: two products with banded matrices. */
export function blur(t: Tensor4D, window: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, k] = t.shape;
    const alongW = timesBandTransposed(tf.reshape(tf.transpose(t, [0, 1, 3, 2]), [n * h * k, w]) as Tensor2D, w, window);
    const byW = tf.reshape(alongW, [n, h, k, w]);
    const alongH = timesBandTransposed(tf.reshape(tf.transpose(byW, [0, 2, 3, 1]), [n * k * w, h]) as Tensor2D, h, window);
    return tf.transpose(tf.reshape(alongH, [n, k, w, h]), [0, 3, 2, 1]);
  });
}

function toLuma(x: Tensor4D): Tensor4D {
  if (x.shape[3] === 1) return x;
  return sumOver<Tensor4D>(tf.mul(x, tf.tensor4d(LUMA, [1, 1, 1, 3])), [3], true);
}

/**
 * SSIM map of x and y [N, H, W, C] (C channels, or 1 on luma): [N, H, W, C'] in [-1, 1], 1 where
 * the windows are equal. Call inside tf.tidy.
 */
export function ssimMap(x: Tensor4D, y: Tensor4D, window = 11, on: 'channels' | 'luma' = 'channels'): Tensor4D {
  const a = on === 'luma' ? toLuma(x) : x;
  const b = on === 'luma' ? toLuma(y) : y;
  // Each map blurred on its own: stacking them for one blur costs a concat and a split, which
  // tfjs-wasm runs as element loops (8 ms of a 64 px projection step against 2 ms this way).
  const [muA, muB, aa, bb, ab] = [a, b, tf.mul<Tensor4D>(a, a), tf.mul<Tensor4D>(b, b), tf.mul<Tensor4D>(a, b)].map((m) => blur(m, window)) as [Tensor4D, Tensor4D, Tensor4D, Tensor4D, Tensor4D];
  const muAB = tf.mul(muA, muB);
  const muA2 = tf.square(muA);
  const muB2 = tf.square(muB);
  const varA = tf.sub(aa, muA2);
  const varB = tf.sub(bb, muB2);
  const cov = tf.sub(ab, muAB);
  const num = tf.mul(tf.add(tf.mul(muAB, 2), C1), tf.add(tf.mul(cov, 2), C2));
  const den = tf.mul(tf.add(tf.add(muA2, muB2), C1), tf.add(tf.add(varA, varB), C2));
  return tf.div(num, den);
}

/** The SSIM term per image: sum over the values of (1 - SSIM) / 2 (luma: times C, so it weighs like the per-channel sum). */
function ssimTerm(x: Tensor4D, y: Tensor4D, t: Required<ReconstructionTerm>): Tensor1D {
  const dissimilarity = tf.div(tf.sub(1, ssimMap(x, y, t.window, t.on)), 2);
  const perImage = perImageSum(dissimilarity);
  return t.on === 'luma' ? tf.mul(perImage, x.shape[3]) : perImage;
}

/** L_r(x, y) of each image of the batch, [N]; differentiable in x and y. Call inside tf.tidy. */
export function reconstructionError(x: Tensor4D, y: Tensor4D, term: ReconstructionTerm | undefined): Tensor1D {
  const t = reconstructionOf(term);
  switch (t.kind) {
    case 'l2':
      return perImageSum(tf.squaredDifference(x, y));
    case 'l1':
      return perImageSum(tf.abs(tf.sub(x, y)));
    case 'ssim':
      return ssimTerm(x, y, t);
    case 'mix':
      return tf.add(tf.mul(ssimTerm(x, y, t), t.ssimWeight), tf.mul(perImageSum(tf.abs(tf.sub(x, y))), 1 - t.ssimWeight));
  }
}

/** Per-pixel dissimilarity (1 - SSIM) / 2, mean over channels: [N, H, W]; an anomaly map beside |x0 - x_T|. */
export function ssimDissimilarity(x: Tensor4D, y: Tensor4D, window = 11): Tensor3D {
  return tf.tidy(() => tf.mean(tf.div(tf.sub(1, ssimMap(x, y, window)), 2), 3) as Tensor3D);
}
