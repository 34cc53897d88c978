/**
 * Thresholds fixed on held-out NORMAL images (ALGORITHM.md: never per-image min-max scaling,
 * which makes every normal image look hot).
 *
 * Default percentile 0.99: about 1 % of normal pixels may exceed the pixel threshold, a false
 * alarm rate that still shows a clean heat map on normal images, while staying below the
 * extreme tail that a handful of held-out images estimates poorly (0.999 would rest on a few
 * pixels per image at small working sizes).
 */
import { EngineError } from '../errors';
import type { AnomalyMethod, AnomalyResult, Calibration } from '../types';
import { edgeGainFrom, withEdgeGain } from './edges';

export interface CalibrateOptions {
  /** Quantile in [0, 1] of the normal scores used as threshold (default 0.99). */
  percentile?: number;
  /**
   * Measure the edge gain on these maps and set the thresholds on the corrected maps (whole-image
   * models; default false: the maps are taken as they are).
   */
  edges?: boolean;
}

export const DEFAULT_PERCENTILE = 0.99;

/** Smallest positive colour scale top, so that value / scaleMax never divides by zero. */
const MIN_SCALE = 1e-6;

/**
 * Quantile p of ascending `sorted` values, linear interpolation between order statistics
 * (position p * (n - 1), numpy's default). sorted must be non-empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** Checks the results and returns their one method. */
function checkResults(results: AnomalyResult[]): AnomalyMethod {
  const first = results[0];
  if (first === undefined) {
    throw new EngineError('empty-dataset', 'Calibration needs at least one held-out normal image.');
  }
  if (results.some((r) => r.method !== first.method)) {
    throw new EngineError('invalid-argument', 'Calibrate one method at a time: the results mix residual and projection maps.');
  }
  if (results.some((r) => r.map.length === 0)) {
    throw new EngineError('invalid-argument', 'Calibration got an empty anomaly map.');
  }
  return first.method;
}

/** All pixel scores of all maps, ascending. */
function sortedPixels(results: AnomalyResult[]): Float32Array {
  const total = results.reduce((n, r) => n + r.map.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const r of results) {
    all.set(r.map, offset);
    offset += r.map.length;
  }
  return all.sort();
}

/**
 * The image threshold: the same percentile of the normal image scores when there are enough
 * of them to estimate it, i.e. at least one image expected above it (n * (1 - p) >= 1);
 * with fewer, the percentile would only interpolate towards the top score, so the max is used.
 */
function imageThreshold(scores: number[], p: number): number {
  const sorted = Float64Array.from(scores).sort();
  if (sorted.length * (1 - p) < 1) return sorted[sorted.length - 1] ?? Number.NaN;
  return quantileSorted(sorted, p);
}

/**
 * Calibration from the anomaly results of held-out normal images of one method.
 * scaleMax = max(2 * pixelThreshold, imageThreshold): the pixel threshold sits at most at
 * mid-scale, so defects well above it still show gradations before saturating, and the hottest
 * pixel of a typical normal image stays inside the scale.
 * @throws EngineError 'empty-dataset' with no results, 'invalid-argument' for a bad percentile
 *   or mixed methods.
 */
export function calibrate(results: AnomalyResult[], opts: CalibrateOptions = {}): Calibration {
  const p = opts.percentile ?? DEFAULT_PERCENTILE;
  if (!Number.isFinite(p) || p < 0 || p > 1) {
    throw new EngineError('invalid-argument', `The calibration percentile must be between 0 and 1 (got ${p}).`);
  }
  const method = checkResults(results);
  const edgeGain = opts.edges === true ? edgeGainFrom(results) : [];
  const maps = results.map((r) => withEdgeGain(r, edgeGain));
  const pixelThreshold = quantileSorted(sortedPixels(maps), p);
  const imgThreshold = imageThreshold(
    maps.map((r) => r.score),
    p,
  );
  return {
    ...(edgeGain.length > 0 ? { edgeGain } : {}),
    pixelThreshold,
    imageThreshold: imgThreshold,
    percentile: p,
    scaleMax: Math.max(2 * pixelThreshold, imgThreshold, MIN_SCALE),
    method,
    samples: results.length,
  };
}
