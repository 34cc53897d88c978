/** What the viewer shows for the selected image, picked from the store (no React here). */
import type { AnomalyMethod, Calibration, FloatImage } from '../../engine/types';
import type { ScalarField } from '../../render/types';
import type { AppState } from '../../store';

/** The map of one method: the finished result, or the live one while the projection runs. */
export function currentMap(s: AppState, method: AnomalyMethod): ScalarField | null {
  const insp = s.inspection;
  if (insp.kind === 'done' && insp.result.testId === s.selectedId) {
    const r = method === 'residual' ? insp.result.residual : insp.result.projection;
    return { width: r.width, height: r.height, data: r.map };
  }
  if (insp.kind !== 'running') return null;
  if (method === 'residual') {
    const r = s.early?.residual;
    return r ? { width: r.width, height: r.height, data: r.map } : null;
  }
  const f = s.frame;
  return f?.map && f.image ? { width: f.image.width, height: f.image.height, data: f.map } : null;
}

export function currentRecon(s: AppState): FloatImage | null {
  const insp = s.inspection;
  if (insp.kind === 'done' && insp.result.testId === s.selectedId) return insp.result.recon;
  return insp.kind === 'running' ? (s.early?.recon ?? null) : null;
}

export function currentProjected(s: AppState): FloatImage | null {
  const insp = s.inspection;
  if (insp.kind === 'done' && insp.result.testId === s.selectedId) return insp.result.projected;
  return insp.kind === 'running' ? (s.frame?.image ?? null) : null;
}

export interface Scale {
  scaleMax: number;
  threshold: number | null;
  /**
   * Where the scale comes from: the method's own calibration; the residual's (the projection
   * was not calibrated, e.g. training stopped during calibration); or, with no calibration at
   * all, this image's maximum (said so in the legend).
   */
  source: 'calibration' | 'residual' | 'image';
  imageThreshold: number | null;
}

function fieldMax(f: ScalarField | null): number {
  let m = 0;
  if (f) for (let i = 0; i < f.data.length; i++) m = Math.max(m, f.data[i] ?? 0);
  return m;
}

/** The fixed colour scale and threshold of a method, from the model's calibration. */
export function scaleFor(s: AppState, method: AnomalyMethod): Scale {
  const own: Calibration | undefined = s.model?.calibration[method];
  const cal = own ?? s.model?.calibration.residual;
  const override = s.view.thresholds[method];
  if (!cal) {
    const max = fieldMax(currentMap(s, method)) || 1;
    return { scaleMax: max, threshold: override ?? null, source: 'image', imageThreshold: null };
  }
  const source = own ? 'calibration' : 'residual';
  // One threshold for the verdict and the contour: an image is anomalous when its score (the
  // max of its map) passes it, and the contour outlines the pixels that do. It starts at the
  // calibrated image threshold (see engine/score/calibrate.ts).
  const calibrated = own ? own.imageThreshold : cal.pixelThreshold;
  return { scaleMax: cal.scaleMax, threshold: override ?? calibrated, source, imageThreshold: own ? own.imageThreshold : null };
}

/** The method whose map is the main one on screen ('both' shows the projection as the main one). */
export function mainMethod(s: AppState): AnomalyMethod {
  return s.view.method === 'residual' ? 'residual' : 'projection';
}
