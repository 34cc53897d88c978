/**
 * Anomaly maps and image scores. Both methods share one map:
 *   residual:   A = channel mean |x0 - f(x0)|   (f(x0) from reconstructImage)
 *   projection: A = channel mean |x0 - x_T|     (x_T from the projection)
 * optionally Gaussian-smoothed; the image score is the max of the (smoothed) map, or of the finer
 * score map when the calibration has a score scale (corrections.ts, correctedResult).
 * Maps stay in raw units: thresholds and colour scales come from calibrate(), never per image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';
import type { Autoencoder } from '../model/autoencoder';
import { checkImageBuffer, checkImageForModel, imagesToTensor, imageToTensor, tensorToImage, tensorToImages } from '../project/validate';
import type { AnomalyMethod, AnomalyResult, FloatImage } from '../types';

/** f(x) of every image in one forward pass of the batch; each must have the model's size and channels. */
export async function reconstructImages(model: Autoencoder, xs: FloatImage[]): Promise<FloatImage[]> {
  const out = tf.tidy(() => model.reconstruct(imagesToTensor(model.config, xs)));
  try {
    return await tensorToImages(out, xs[0]?.channels ?? 1);
  } finally {
    out.dispose();
  }
}

/** f(x) = decode(mu(encode(x))) as an image; x must have the model's size and channels. */
export async function reconstructImage(model: Autoencoder, x: FloatImage): Promise<FloatImage> {
  checkImageForModel(model.config, x);
  const out = tf.tidy(() => model.reconstruct(imageToTensor(x)));
  try {
    return await tensorToImage(out, x.channels);
  } finally {
    out.dispose();
  }
}

function checkSigma(sigma: number): void {
  if (!Number.isFinite(sigma) || sigma < 0) {
    throw new EngineError('invalid-argument', `The smoothing sigma must be a finite number >= 0 (got ${sigma}).`);
  }
}

/**
 * Channel mean of |x0 - x| per pixel, length width * height; smoothed when smoothSigma > 0.
 * @throws EngineError 'invalid-argument' when the two images differ in size or channels.
 */
export function anomalyMap(x0: FloatImage, x: FloatImage, smoothSigma = 0): Float32Array {
  checkSigma(smoothSigma);
  checkImageBuffer(x0);
  checkImageBuffer(x);
  if (x0.width !== x.width || x0.height !== x.height || x0.channels !== x.channels) {
    throw new EngineError(
      'invalid-argument',
      `Cannot compare a ${x0.width}x${x0.height}x${x0.channels} image with a ${x.width}x${x.height}x${x.channels} one.`,
    );
  }
  const c = x0.channels;
  const map = new Float32Array(x0.width * x0.height);
  for (let p = 0; p < map.length; p++) {
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.abs((x0.data[p * c + k] ?? 0) - (x.data[p * c + k] ?? 0));
    map[p] = sum / c;
  }
  return smoothSigma > 0 ? gaussianSmooth(map, x0.width, x0.height, smoothSigma) : map;
}

/** Normalised 1-D Gaussian weights for offsets -r..r, r = ceil(3 sigma). */
function gaussianKernel(sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const k = new Float64Array(2 * r + 1);
  let total = 0;
  for (let i = -r; i <= r; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + r] = w;
    total += w;
  }
  for (let i = 0; i < k.length; i++) k[i] = (k[i] ?? 0) / total;
  return k;
}

/**
 * One separable pass along rows (stride 1) or columns (stride width) with edge clamping:
 * out-of-image taps read the nearest border pixel, so a constant map stays constant.
 */
function blurPass(src: Float32Array, width: number, height: number, kernel: Float64Array, alongRows: boolean): Float32Array {
  const out = new Float32Array(src.length);
  const r = (kernel.length - 1) / 2;
  const len = alongRows ? width : height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const pos = alongRows ? x : y;
      let acc = 0;
      for (let i = -r; i <= r; i++) {
        const q = Math.min(len - 1, Math.max(0, pos + i));
        const idx = alongRows ? y * width + q : q * width + x;
        acc += (kernel[i + r] ?? 0) * (src[idx] ?? 0);
      }
      out[y * width + x] = acc;
    }
  }
  return out;
}

/**
 * Gaussian blur of a width x height map: separable kernel of radius ceil(3 sigma), edges clamped.
 * sigma = 0 returns a copy. Returns a new array.
 */
export function gaussianSmooth(map: Float32Array, width: number, height: number, sigma: number): Float32Array {
  checkSigma(sigma);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || map.length !== width * height) {
    throw new EngineError('invalid-argument', `A ${width}x${height} map needs ${width * height} values (got ${map.length}).`);
  }
  if (sigma === 0) return map.slice();
  const kernel = gaussianKernel(sigma);
  return blurPass(blurPass(map, width, height, kernel, true), width, height, kernel, false);
}

/** The image score: the largest value of the map. */
export function imageScore(map: Float32Array): number {
  if (map.length === 0) throw new EngineError('invalid-argument', 'An empty anomaly map has no score.');
  let max = -Infinity;
  for (const v of map) if (v > max) max = v;
  return max;
}

/** The one result contract: the map of |x0 - x| (smoothed) and its image score. */
export function toResult(method: AnomalyMethod, x0: FloatImage, x: FloatImage, smoothSigma = 0): AnomalyResult {
  const map = anomalyMap(x0, x, smoothSigma);
  return { method, score: imageScore(map), map, width: x0.width, height: x0.height };
}
