/**
 * What calibration measures on the held-out normal images besides the thresholds, and what every
 * map of the model then goes through (whole-image models; patch models' maps are stitched from
 * tiles and are used as they are):
 *   1. the edge gain (edges.ts): the map divided by how much hotter normal maps are at each
 *      distance from the border;
 *   2. the missing-detail term (detail.ts): the shortfall of the image's own local detail under
 *      the normal images' low tail, in units of the method's pixel threshold, added.
 * With a score scale (Calibration.score), the same |x0 - x| at that finer smoothing goes through
 * its own two corrections, and the image score is its max (correctedResult).
 */
import type { AnomalyMethod, AnomalyResult, CalibrationSet, DetailTerm, FloatImage, ScoreScale } from '../types';
import { quantileSorted, sortedValues } from './quantile';
import { DETAIL_WEIGHT, addDetail, detailStats } from './detail';
import { correctEdges, edgeGainFrom, withEdgeGain } from './edges';
import { anomalyMap, imageScore, toResult } from './score';

export interface MapCorrection {
  edgeGain?: readonly number[];
  detail?: DetailTerm;
  /** Where the image score is taken (Calibration.score); on the corrected map itself without one. */
  score?: ScoreScale;
}

/** Each method's correction, as a model's calibration holds them. */
export type MapCorrections = Partial<Record<AnomalyMethod, MapCorrection>>;

/** The corrections of a calibration set (none for a method without calibration or calibrated before they existed). */
export function correctionsOf(set: CalibrationSet): MapCorrections {
  const out: MapCorrections = {};
  for (const method of ['residual', 'projection'] as const) {
    const c = set[method];
    if (c?.edgeGain || c?.detail || c?.score) {
      out[method] = { ...(c.edgeGain ? { edgeGain: c.edgeGain } : {}), ...(c.detail ? { detail: c.detail } : {}), ...(c.score ? { score: c.score } : {}) };
    }
  }
  return out;
}

/** The map of x0 (width x height as x0) through the correction; a new array, or the map itself without one. */
export function correctMap(map: Float32Array, x0: FloatImage, c: MapCorrection | undefined, smoothSigma: number): Float32Array {
  if (!c) return map;
  const edged = c.edgeGain && c.edgeGain.length > 0 ? correctEdges(map, x0.width, x0.height, c.edgeGain) : map;
  return c.detail ? addDetail(edged, x0, c.detail, smoothSigma) : edged;
}

/** The result through the correction, its score taken again; unchanged without one. */
export function correctResult(r: AnomalyResult, x0: FloatImage, c: MapCorrection | undefined, smoothSigma: number): AnomalyResult {
  const map = correctMap(r.map, x0, c, smoothSigma);
  if (map === r.map) return r;
  const { scoreMap: _scoreOfTheUncorrected, ...rest } = r;
  return { ...rest, map, score: imageScore(map) };
}

/**
 * The result of x0 against x (channel mean |x0 - x|) at the map's smoothing, corrected, with its
 * score taken at the correction's score scale when it has one (scoreMap: that finer map,
 * corrected with the scale's own gain and detail term).
 */
export function correctedResult(method: AnomalyMethod, x0: FloatImage, x: FloatImage, c: MapCorrection | undefined, smoothSigma: number): AnomalyResult {
  const r = correctResult(toResult(method, x0, x, smoothSigma), x0, c, smoothSigma);
  const s = c?.score;
  if (!s) return r;
  const scoreMap = correctMap(anomalyMap(x0, x, s.sigma), x0, s, s.sigma);
  return { ...r, scoreMap, score: imageScore(scoreMap) };
}

export interface MeasureOptions {
  smoothSigma: number;
  /** The pixel threshold's quantile, which the detail term's scale is a multiple of. */
  percentile: number;
  /** Measure the missing-detail term too (default true). */
  detail?: boolean;
}

/** A method's correction from held-out normal results of one size and the images they are of (same order). */
export function measureCorrection(results: readonly AnomalyResult[], images: readonly FloatImage[], o: MeasureOptions): MapCorrection {
  const edgeGain = edgeGainFrom(results);
  const out: MapCorrection = edgeGain.length > 0 ? { edgeGain } : {};
  if (o.detail === false) return out;
  const stats = detailStats(images, o.smoothSigma);
  if (!stats) return out;
  const edged = results.map((r) => withEdgeGain(r, edgeGain));
  const scale = DETAIL_WEIGHT * quantileSorted(sortedValues(edged), o.percentile);
  return scale > 0 && Number.isFinite(scale) ? { ...out, detail: { ...stats, scale } } : out;
}
