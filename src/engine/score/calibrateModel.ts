/**
 * A model's calibration: the held-out NORMAL images go through the scoring pipeline and their
 * maps fix each method's threshold and colour scale (calibrate.ts). Projections cost a full run
 * each (batched), so only the first `projections` held-out images are projected. Each method's
 * map corrections (corrections.ts) are measured on the same maps: these are whole-image models.
 * With `scoreSigma`, the same held-out maps at that finer smoothing fix where image scores are
 * taken and the image threshold (Calibration.score).
 */
import type { Autoencoder } from '../model/autoencoder';
import type { AnomalyMethod, AnomalyResult, CalibrationSet, FloatImage, ProjectionSettings } from '../types';
import { calibrate, type CalibrateOptions } from './calibrate';
import { scoreBatch, type Scored } from './pipeline';
import { toResult } from './score';

export interface CalibrateModelOptions {
  projection: ProjectionSettings;
  smoothSigma: number;
  /** Image scores at this finer smoothing (scoreSigmaFor); on the maps themselves without it. */
  scoreSigma?: number;
  /** Held-out images projected for the projection's threshold. */
  projections: number;
  shouldStop?(): boolean;
  /** Called after each image, with how many of `total` are done. */
  onProgress?(done: number, total: number): void;
}

/** A method's maps of the held-out images scored so far, at the map's smoothing and at the score's. */
class HeldOutMaps {
  readonly maps: AnomalyResult[] = [];
  readonly fine: AnomalyResult[] = [];
  constructor(
    private readonly method: AnomalyMethod,
    private readonly images: FloatImage[],
    private readonly scoreSigma: number | undefined,
  ) {}

  add(index: number, s: Scored): void {
    const r = s[this.method];
    const x = this.method === 'residual' ? s.recon : s.projected;
    const x0 = this.images[index];
    if (!r) return;
    this.maps.push(r);
    if (this.scoreSigma !== undefined && x && x0) this.fine.push(toResult(this.method, x0, x, this.scoreSigma));
  }

  /** calibrate()'s options for these maps. */
  options(smoothSigma: number): CalibrateOptions {
    const n = this.maps.length;
    const correct = { images: this.images.slice(0, n), smoothSigma };
    const score = this.scoreSigma !== undefined && this.fine.length === n ? { score: { sigma: this.scoreSigma, results: this.fine } } : {};
    return { correct, ...score };
  }
}

/**
 * Both calibrations (residuals of every held-out image first: they are cheap). When shouldStop
 * ends a projection early, only the residual's calibration is returned (`at` null).
 */
export async function calibrateModel(model: Autoencoder, heldOut: FloatImage[], o: CalibrateModelOptions): Promise<CalibrationSet> {
  const toProject = heldOut.slice(0, o.projections);
  const total = heldOut.length + toProject.length;
  const residual = new HeldOutMaps('residual', heldOut, o.scoreSigma);
  await scoreBatch(model, heldOut, {
    projection: o.projection, smoothSigma: o.smoothSigma, methods: ['residual'],
    onScored: (i, s) => {
      residual.add(i, s);
      o.onProgress?.(residual.maps.length, total);
    },
  });
  const residualCalibration = calibrate(residual.maps, residual.options(o.smoothSigma));
  // The 'calibrated' projection weighs residuals by the residual's edge gain, measured just now.
  const corrections = residualCalibration.edgeGain ? { residual: { edgeGain: residualCalibration.edgeGain } } : {};
  const projection = new HeldOutMaps('projection', toProject, o.scoreSigma);
  const run = await scoreBatch(model, toProject, {
    projection: o.projection, smoothSigma: o.smoothSigma, methods: ['projection'], shouldStop: o.shouldStop, corrections,
    onScored: (i, s) => {
      projection.add(i, s);
      o.onProgress?.(residual.maps.length + projection.maps.length, total);
    },
  });
  if (run.stopped || projection.maps.length === 0) return { residual: residualCalibration, at: null };
  return { residual: residualCalibration, projection: calibrate(projection.maps, projection.options(o.smoothSigma)), at: { ...o.projection } };
}
