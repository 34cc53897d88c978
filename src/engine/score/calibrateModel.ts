/**
 * A model's calibration: the held-out NORMAL images go through the scoring pipeline and their
 * maps fix each method's threshold and colour scale (calibrate.ts). Projections cost a full run
 * each (batched), so only the first `projections` held-out images are projected. Each method's
 * map corrections (corrections.ts) are measured on the same maps: these are whole-image models.
 */
import type { Autoencoder } from '../model/autoencoder';
import type { AnomalyResult, CalibrationSet, FloatImage, ProjectionSettings } from '../types';
import { calibrate } from './calibrate';
import { scoreBatch } from './pipeline';

export interface CalibrateModelOptions {
  projection: ProjectionSettings;
  smoothSigma: number;
  /** Held-out images projected for the projection's threshold. */
  projections: number;
  shouldStop?(): boolean;
  /** Called after each image, with how many of `total` are done. */
  onProgress?(done: number, total: number): void;
}

/**
 * Both calibrations (residuals of every held-out image first: they are cheap). When shouldStop
 * ends a projection early, only the residual's calibration is returned (`at` null).
 */
export async function calibrateModel(model: Autoencoder, heldOut: FloatImage[], o: CalibrateModelOptions): Promise<CalibrationSet> {
  const toProject = heldOut.slice(0, o.projections);
  const total = heldOut.length + toProject.length;
  const residual: AnomalyResult[] = [];
  await scoreBatch(model, heldOut, {
    projection: o.projection, smoothSigma: o.smoothSigma, methods: ['residual'],
    onScored: (_, s) => {
      if (s.residual) residual.push(s.residual);
      o.onProgress?.(residual.length, total);
    },
  });
  const correct = (n: number) => ({ correct: { images: heldOut.slice(0, n), smoothSigma: o.smoothSigma } });
  const residualCalibration = calibrate(residual, correct(residual.length));
  // The 'calibrated' projection weighs residuals by the residual's edge gain, measured just now.
  const corrections = residualCalibration.edgeGain ? { residual: { edgeGain: residualCalibration.edgeGain } } : {};
  const projection: AnomalyResult[] = [];
  const run = await scoreBatch(model, toProject, {
    projection: o.projection, smoothSigma: o.smoothSigma, methods: ['projection'], shouldStop: o.shouldStop, corrections,
    onScored: (_, s) => {
      if (s.projection) projection.push(s.projection);
      o.onProgress?.(residual.length + projection.length, total);
    },
  });
  if (run.stopped || projection.length === 0) return { residual: residualCalibration, at: null };
  return { residual: residualCalibration, projection: calibrate(projection, correct(projection.length)), at: { ...o.projection } };
}
