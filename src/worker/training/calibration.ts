/**
 * Which normal images fix a model's thresholds, and how they are scored. Whole images: the
 * training's held-out images (its validation split), through the batched pipeline. Patch mode:
 * whole images held out before any crop is cut (split by image, seeded, so no crop of a
 * held-out image is trained on), each scored tiled exactly as a test image is, so that the
 * thresholds are for a whole image's score (the max over all its tiles), not a single patch's.
 */
import { mulberry32 } from '../../engine/data/random';
import type { Vae } from '../../engine/model/autoencoder';
import { calibrate } from '../../engine/score/calibrate';
import { calibrateModel } from '../../engine/score/calibrateModel';
import { scoreSigmaFor } from '../../engine/limits';
import { scoreTiled } from '../../engine/tiles/score';
import { splitValidation } from '../../engine/train/batches';
import type { AnomalyResult, CalibrationSet, FloatImage, InputLayout, ProjectionSettings } from '../../engine/types';
import type { JobContext } from '../runtime/context';
import type { ImageStore, StoredImage } from '../dataset/images';
import { modelInput, type InputSpec } from '../dataset/inputs';

/** Held-out images projected for the projection's threshold (each costs a full projection). */
export const CALIBRATION_PROJECTIONS = 8;
/**
 * After Stop during training, the kept model is still calibrated, on fewer projections and
 * without checking the stop flag (already set): a stopped model with a fixed colour scale is
 * worth the few seconds.
 */
export const CALIBRATION_PROJECTIONS_AFTER_STOP = 2;

/** How a calibration runs: maps smoothed at `smoothSigma`; after a Stop, on fewer projections and ignoring the (set) stop flag. */
export interface CalibrationRun {
  projection: ProjectionSettings;
  smoothSigma: number;
  after: 'finished' | 'stopped';
  ctx: Pick<JobContext<unknown>, 'shouldStop'>;
  onProgress?(done: number, total: number): void;
}

/** Whole images: calibrates on the held-out working images, batched. */
export function calibrateHeldOut(vae: Vae, heldOut: FloatImage[], { projection, smoothSigma, after, ctx, onProgress }: CalibrationRun): Promise<CalibrationSet> {
  const stopped = after === 'stopped';
  return calibrateModel(vae, heldOut, {
    projection,
    smoothSigma,
    scoreSigma: scoreSigmaFor(smoothSigma),
    projections: stopped ? CALIBRATION_PROJECTIONS_AFTER_STOP : CALIBRATION_PROJECTIONS,
    shouldStop: stopped ? () => false : ctx.shouldStop,
    onProgress,
  });
}

/**
 * The normal images split for a layout: in patch mode by image (seeded by the training seed),
 * a single image being both; whole images are split later, by the training itself.
 */
export function splitNormal(items: StoredImage[], layout: InputLayout, validationSplit: number, seed: number): { train: StoredImage[]; heldOut: StoredImage[] } {
  if (layout.mode !== 'patches') return { train: items, heldOut: [] };
  const split = splitValidation(items, validationSplit, mulberry32(seed + 101));
  return { train: split.train, heldOut: split.validation.length > 0 ? split.validation : split.train.slice(0, CALIBRATION_PROJECTIONS) };
}

/**
 * Patch mode's calibration: residuals of the held-out images first (cheap: one pass per tile),
 * then the projections of the first few, all tiled. A stop during the projections keeps the
 * residual's calibration only (`at` null), as calibrateModel does.
 */
export async function calibrateTiled(store: ImageStore, vae: Vae, items: StoredImage[], spec: InputSpec, run: CalibrationRun): Promise<CalibrationSet> {
  const { projection, smoothSigma, after, ctx, onProgress } = run;
  if (spec.layout.mode !== 'patches') throw new Error('calibrateTiled is for patch models.');
  const stride = spec.layout.stride;
  const stopped = after === 'stopped';
  const toProject = items.slice(0, stopped ? CALIBRATION_PROJECTIONS_AFTER_STOP : CALIBRATION_PROJECTIONS);
  const total = items.length + toProject.length;
  const residual: AnomalyResult[] = [];
  for (const item of items) {
    const { image } = await modelInput(store, 'normal', item, spec);
    const s = await scoreTiled(vae, image, { projection, smoothSigma, stride, methods: ['residual'] });
    if (s.residual) residual.push(s.residual);
    onProgress?.(residual.length, total);
  }
  const projected: AnomalyResult[] = [];
  const shouldStop = stopped ? () => false : ctx.shouldStop;
  for (const item of toProject) {
    const { image } = await modelInput(store, 'normal', item, spec);
    // A fine scale makes thousands of tiles an image: the progress moves with them.
    const before = residual.length + projected.length;
    const onTiles = (done: number, tiles: number) => onProgress?.(before + done / tiles, total);
    const s = await scoreTiled(vae, image, { projection, smoothSigma, stride, methods: ['projection'], shouldStop, onProgress: onTiles });
    if (s.stopped || !s.projection) return { residual: calibrate(residual), at: null };
    projected.push(s.projection);
    onProgress?.(residual.length + projected.length, total);
  }
  return { residual: calibrate(residual), projection: calibrate(projected), at: { ...projection } };
}
