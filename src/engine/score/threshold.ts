/**
 * The rules that turn maps into decisions: which threshold and colour scale a method uses, the
 * verdict of an image, and whether a calibration still fits the current projection settings.
 */
import type { AnomalyMethod, CalibrationSet, ProjectionSettings } from '../types';

export type Verdict = 'anomalous' | 'normal';

/** An image is anomalous when its score (the max of its score map: AnomalyResult.score) passes the threshold. */
export function verdictOf(score: number | null | undefined, threshold: number | null): Verdict | null {
  if (score === null || score === undefined || threshold === null) return null;
  return score > threshold ? 'anomalous' : 'normal';
}

export interface Scale {
  scaleMax: number;
  threshold: number | null;
  /**
   * Where the scale comes from: the method's own calibration; the residual's (the projection was
   * not calibrated, e.g. training stopped during calibration); or, with no calibration at all,
   * the image's own maximum (the legend says so).
   */
  source: 'calibration' | 'residual' | 'image';
  imageThreshold: number | null;
}

/**
 * The fixed colour scale and the threshold of a method. One threshold drives the verdict and the
 * contour; it starts at the calibrated image threshold and `override` (the slider) replaces it.
 * `imageMax` is used only when nothing is calibrated.
 */
export function scaleFor(cal: CalibrationSet | null, method: AnomalyMethod, override: number | undefined, imageMax: number): Scale {
  const own = cal?.[method];
  const fallback = own ?? cal?.residual;
  if (!fallback) return { scaleMax: imageMax || 1, threshold: override ?? null, source: 'image', imageThreshold: null };
  const calibrated = own ? own.imageThreshold : fallback.pixelThreshold;
  return { scaleMax: fallback.scaleMax, threshold: override ?? calibrated, source: own ? 'calibration' : 'residual', imageThreshold: own?.imageThreshold ?? null };
}

export function sameProjection(a: ProjectionSettings, b: ProjectionSettings): boolean {
  return a.alpha === b.alpha && a.lambda === b.lambda && a.iterations === b.iterations && a.variant === b.variant;
}

/**
 * True when the projection's threshold was calibrated at other projection settings than `now`
 * (its verdicts would then be made with a mismatched threshold). The residual does not depend on
 * the projection settings, so it is never stale.
 */
export function isStale(cal: CalibrationSet | null, method: AnomalyMethod, now: ProjectionSettings): boolean {
  if (method !== 'projection' || !cal?.projection) return false;
  return cal.at === null || !sameProjection(cal.at, now);
}
