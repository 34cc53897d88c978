/** What the viewer shows for the selected image, picked from the store (no React here). */
import { isStale, scaleFor as engineScale, type Scale } from '../../engine/score/threshold';
import type { AnomalyMethod, FloatImage } from '../../engine/types';
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

/**
 * The score map (where the score passes the threshold) of the finished result, or of the live
 * frame while the projection runs, when the model has one.
 */
export function currentScoreMap(s: AppState, method: AnomalyMethod): ScalarField | null {
  const insp = s.inspection;
  if (insp.kind === 'done' && insp.result.testId === s.selectedId) {
    const r = method === 'residual' ? insp.result.residual : insp.result.projection;
    return r.scoreMap ? { width: r.width, height: r.height, data: r.scoreMap } : null;
  }
  if (insp.kind !== 'running') return null;
  if (method === 'residual') {
    const r = s.early?.residual;
    return r?.scoreMap ? { width: r.width, height: r.height, data: r.scoreMap } : null;
  }
  const f = s.frame;
  return f?.scoreMap && f.image ? { width: f.image.width, height: f.image.height, data: f.scoreMap } : null;
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

export interface ViewScale extends Scale {
  /** The threshold was calibrated at other projection settings than the current ones. */
  stale: boolean;
}

function fieldMax(f: ScalarField | null): number {
  let m = 0;
  if (f) for (let i = 0; i < f.data.length; i++) m = Math.max(m, f.data[i] ?? 0);
  return m;
}

/** The fixed colour scale and threshold of a method, from the model's calibration (engine/score/threshold). */
export function scaleFor(s: AppState, method: AnomalyMethod): ViewScale {
  const cal = s.model?.calibration ?? null;
  const imageMax = cal?.residual ? 0 : fieldMax(currentMap(s, method));
  return { ...engineScale(cal, method, s.view.thresholds[method], imageMax), stale: isStale(cal, method, s.settings.projection) };
}

/** The method whose map is the main one on screen ('both' shows the projection as the main one). */
export function mainMethod(s: AppState): AnomalyMethod {
  return s.view.method === 'residual' ? 'residual' : 'projection';
}
