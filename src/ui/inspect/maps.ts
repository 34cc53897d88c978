/** What the viewer shows for the selected image, picked from the store (no React here). */
import { isStale, scaleFor as engineScale, type Scale } from '../../engine/score/threshold';
import type { AnomalyMethod, FloatImage } from '../../engine/types';
import type { ScalarField } from '../../render/types';
import type { AppState } from '../../store';

type MapField = 'map' | 'scoreMap';

/**
 * One of a method's maps for the selected image: the finished result's, or while the projection
 * runs the early residual's or the live frame's; null where there is none.
 */
function selectedField(s: AppState, method: AnomalyMethod, field: MapField): ScalarField | null {
  const of = (r: { width: number; height: number } & Partial<Record<MapField, Float32Array>>): ScalarField | null => {
    const data = r[field];
    return data ? { width: r.width, height: r.height, data } : null;
  };
  const insp = s.inspection;
  if (insp.kind === 'done' && insp.result.testId === s.selectedId) return of(method === 'residual' ? insp.result.residual : insp.result.projection);
  if (insp.kind !== 'running') return null;
  if (method === 'residual') return s.early ? of(s.early.residual) : null;
  const f = s.frame;
  return f?.image ? of({ width: f.image.width, height: f.image.height, map: f.map, scoreMap: f.scoreMap }) : null;
}

/** The map of one method: the finished result, or the live one while the projection runs. */
export const currentMap = (s: AppState, method: AnomalyMethod): ScalarField | null => selectedField(s, method, 'map');

/**
 * The score map (where the score passes the threshold) of the finished result, or of the live
 * frame while the projection runs, when the model has one.
 */
export const currentScoreMap = (s: AppState, method: AnomalyMethod): ScalarField | null => selectedField(s, method, 'scoreMap');

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
