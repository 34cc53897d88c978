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
import type { AnomalyMethod, AnomalyResult, Calibration, FloatImage, ScoreScale } from '../types';
import { correctResult, measureCorrection } from './corrections';
import { quantileSorted, sortedValues } from './quantile';

export { quantileSorted };

export interface CalibrateOptions {
  /** Quantile in [0, 1] of the normal scores used as threshold (default 0.99). */
  percentile?: number;
  /**
   * Whole-image models: measure the map corrections (corrections.ts) on these maps and the
   * images they are of (same order), and set the thresholds on the corrected maps. Without it
   * the maps are taken as they are.
   */
  correct?: { images: readonly FloatImage[]; smoothSigma: number };
  /**
   * The same held-out maps at a finer smoothing (same order), where image scores are taken: the
   * image threshold comes from them (corrected with their own correction when `correct` is given)
   * and the calibration records the scale (Calibration.score). Without it the image threshold
   * comes from the maps themselves.
   */
  score?: { sigma: number; results: AnomalyResult[] };
}

export const DEFAULT_PERCENTILE = 0.99;

/** Smallest positive colour scale top, so that value / scaleMax never divides by zero. */
const MIN_SCALE = 1e-6;

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
 * Held-out maps smoothed at `sigma` through the correction measured on them (with `images`), and
 * that correction's fields as a calibration keeps them; the maps as they are without images.
 */
function corrected(results: AnomalyResult[], images: readonly FloatImage[] | undefined, sigma: number, p: number): { maps: AnomalyResult[]; fields: Pick<Calibration, 'edgeGain' | 'detail'> } {
  if (!images) return { maps: results, fields: {} };
  const correction = measureCorrection(results, images, { smoothSigma: sigma, percentile: p });
  const maps = results.map((r, i) => correctResult(r, images[i]!, correction, sigma));
  const fields = { ...(correction.edgeGain ? { edgeGain: [...correction.edgeGain] } : {}), ...(correction.detail ? { detail: correction.detail } : {}) };
  return { maps, fields };
}

/** The score scale of held-out maps at a finer smoothing, and the image threshold their (corrected) scores give. */
function scoreScaleOf(s: NonNullable<CalibrateOptions['score']>, c: CalibrateOptions['correct'], p: number): { scale: ScoreScale; threshold: number } {
  if (!Number.isFinite(s.sigma) || s.sigma < 0) throw new EngineError('invalid-argument', `The score smoothing must be a finite number >= 0 (got ${s.sigma}).`);
  if (c && s.results.length !== c.images.length) {
    throw new EngineError('invalid-argument', `Calibration got ${s.results.length} score maps but ${c.images.length} images to correct them with.`);
  }
  checkResults(s.results);
  const { maps, fields } = corrected(s.results, c?.images, s.sigma, p);
  return { scale: { sigma: s.sigma, ...fields }, threshold: imageThreshold(maps.map((r) => r.score), p) };
}

/**
 * Calibration from the anomaly results of held-out normal images of one method.
 * scaleMax = max(2 * pixelThreshold, the maps' image threshold, the image threshold): the pixel
 * threshold sits at most at mid-scale, so defects well above it still show gradations before
 * saturating, the hottest pixel of a typical normal image stays inside the scale, and so does the
 * threshold when it is the finer score maps'.
 * @throws EngineError 'empty-dataset' with no results, 'invalid-argument' for a bad percentile
 *   or mixed methods.
 */
export function calibrate(results: AnomalyResult[], opts: CalibrateOptions = {}): Calibration {
  const p = opts.percentile ?? DEFAULT_PERCENTILE;
  if (!Number.isFinite(p) || p < 0 || p > 1) {
    throw new EngineError('invalid-argument', `The calibration percentile must be between 0 and 1 (got ${p}).`);
  }
  const method = checkResults(results);
  const c = opts.correct;
  if (c && c.images.length !== results.length) {
    throw new EngineError('invalid-argument', `Calibration got ${results.length} maps but ${c.images.length} images to correct them with.`);
  }
  const { maps, fields } = corrected(results, c?.images, c?.smoothSigma ?? 0, p);
  const pixelThreshold = quantileSorted(sortedValues(maps), p);
  const mapThreshold = imageThreshold(
    maps.map((r) => r.score),
    p,
  );
  const score = opts.score ? scoreScaleOf(opts.score, c, p) : null;
  return {
    ...fields,
    ...(score ? { score: score.scale } : {}),
    pixelThreshold,
    imageThreshold: score ? score.threshold : mapThreshold,
    percentile: p,
    // The threshold (the contour, the slider) stays on the scale, also when it is the finer scores'.
    scaleMax: Math.max(2 * pixelThreshold, mapThreshold, score ? score.threshold : 0, MIN_SCALE),
    method,
    samples: results.length,
  };
}
