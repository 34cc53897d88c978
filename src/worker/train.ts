/** The worker's training job: dataset -> VAE -> trainVae, then calibration on held-out images. */
import { createVae } from '../engine/model/vae';
import type { Vae } from '../engine/model/autoencoder';
import { runProjection } from '../engine/project/run';
import { calibrate } from '../engine/score/calibrate';
import { reconstructImage, toResult } from '../engine/score/score';
import { trainVae, type TrainHooks, type TrainResult } from '../engine/train/train';
import { EngineError } from '../engine/errors';
import { exportArtifacts, importArtifacts } from '../engine/model/io';
import type { AnomalyResult, FloatImage, ModelArtifacts, ProjectionSettings, TrainConfig, VaeConfig } from '../engine/types';
import { isAllocationFailure, throwInjected } from './memory';
import { FEW_IMAGES } from './robustProtocol';
import { copyImage, type JobContext } from './context';
import type { ImageStore } from './images';
import type { CalibrationSet, ReconPair, TrainArgs, TrainEvent, TrainResultInfo } from './protocol';

/** Held-out images projected for the projection's threshold (each costs a full projection). */
export const CALIBRATION_PROJECTIONS = 8;
/**
 * After Stop during training, the kept model is still calibrated, on fewer projections and
 * without checking the stop flag (already set): a stopped model with a fixed colour scale is
 * worth the few seconds.
 */
export const CALIBRATION_PROJECTIONS_AFTER_STOP = 2;

export interface TrainedModel {
  vae: Vae;
  images: FloatImage[];
}

async function reconGrid(vae: Vae, images: FloatImage[]): Promise<ReconPair[]> {
  const grid: ReconPair[] = [];
  for (const input of images) grid.push({ input: copyImage(input), output: await reconstructImage(vae, input) });
  return grid;
}

async function calibrateModel(
  vae: Vae,
  heldOut: FloatImage[],
  s: ProjectionSettings,
  sigma: number,
  budget: { projections: number; shouldStop: () => boolean },
): Promise<CalibrationSet> {
  const { shouldStop } = budget;
  const residual: AnomalyResult[] = [];
  for (const x of heldOut) residual.push(toResult('residual', x, await reconstructImage(vae, x), sigma));
  const out: CalibrationSet = { residual: calibrate(residual) };
  const projection: AnomalyResult[] = [];
  for (const x of heldOut.slice(0, budget.projections)) {
    const run = await runProjection(vae, x, { ...s, variant: 'weighted' }, { every: s.iterations, shouldStop });
    if (run.stopped) return out;
    projection.push(toResult('projection', x, run.xT, sigma));
  }
  out.projection = calibrate(projection);
  return out;
}

/** The training settings used: with very few images, flips and rotations make more of them. */
export function trainConfigFor(train: TrainConfig, count: number): TrainConfig {
  if (count >= FEW_IMAGES) return train;
  return { ...train, augment: { ...train.augment, flips: true, rot90: true } };
}

/** trainVae, with an allocation failure turned into 'out-of-memory' and a smaller setting to try. */
async function trainWithAdvice(vae: Vae, images: FloatImage[], cfg: TrainConfig, hooks: TrainHooks): Promise<TrainResult> {
  try {
    throwInjected();
    return await trainVae(vae, images, cfg, hooks);
  } catch (e) {
    if (!isAllocationFailure(e)) throw e;
    const { size } = vae.config;
    const smaller = size > 16 ? `a working size of ${size / 2}×${size / 2}` : 'fewer filters';
    throw new EngineError(
      'out-of-memory',
      `training at ${size}×${size} px in batches of ${cfg.batchSize} ran out of memory. Try ${smaller} or a batch size of ${Math.max(1, Math.floor(cfg.batchSize / 2))}.`,
      { cause: e },
    );
  }
}

/**
 * Trains `vae` (disposing it on failure). Returns the model to keep: `vae` itself, or after a
 * Stop mid-epoch a copy with the weights of the last finished epoch (read back at each epoch's
 * end), or null when no epoch finished.
 */
async function trainKeepingEpochs(
  vae: Vae,
  images: FloatImage[],
  args: TrainArgs,
  ctx: JobContext<TrainEvent>,
): Promise<{ result: TrainResult; kept: Vae | null }> {
  const gridImages = images.slice(0, args.gridSize);
  let snapshot: ModelArtifacts | null = null;
  try {
    const result = await trainWithAdvice(vae, images, trainConfigFor(args.train, images.length), {
      onProgress: (progress) => ctx.emit({ kind: 'progress', progress }),
      onEpochEnd: async (e) => {
        snapshot = await exportArtifacts(vae);
        ctx.emit({ kind: 'epoch', ...e, grid: await reconGrid(vae, gridImages) });
      },
      shouldStop: ctx.shouldStop,
    });
    if (!result.stopped) return { result, kept: vae };
    vae.dispose();
    return { result, kept: snapshot === null ? null : importArtifacts(snapshot) };
  } catch (e) {
    vae.dispose();
    throw e;
  }
}

/**
 * Trains a new model. Returns it only when at least one epoch finished (a stop before that
 * keeps the previous model); the caller swaps it in and disposes the old one.
 */
export async function trainJob(
  store: ImageStore,
  args: TrainArgs,
  ctx: JobContext<TrainEvent>,
): Promise<{ info: TrainResultInfo; vae: Vae | null }> {
  ctx.emit({ kind: 'phase', phase: 'preparing' });
  const items = store.list('normal');
  if (items.length === 0) throw new EngineError('empty-dataset', 'There are no normal images to train on.');
  const channels = store.datasetChannels('normal');
  const config: VaeConfig = { ...args.vae, channels };
  const images = items.map((it) => store.working(it, config.size, channels));
  ctx.emit({ kind: 'phase', phase: 'training' });
  const { result, kept: vae } = await trainKeepingEpochs(createVae(config, args.train.seed), images, args, ctx);
  if (vae === null) return { info: { model: null, history: result.history }, vae: null };
  try {
    ctx.emit({ kind: 'phase', phase: 'calibrating' });
    const heldOut = result.validation.length > 0 ? result.validation : images.slice(0, CALIBRATION_PROJECTIONS);
    const budget = result.stopped
      ? { projections: CALIBRATION_PROJECTIONS_AFTER_STOP, shouldStop: () => false }
      : { projections: CALIBRATION_PROJECTIONS, shouldStop: ctx.shouldStop };
    const calibration = await calibrateModel(vae, heldOut, args.projection, args.smoothSigma, budget);
    const last = result.history[result.history.length - 1];
    const model = {
      config,
      trainedAt: new Date().toISOString(),
      epochsDone: result.epochsDone,
      stopped: result.stopped,
      finalLoss: last?.loss ?? null,
      calibration,
      calibratedWith: calibration.projection ? args.projection : null,
    };
    return { info: { model, history: result.history }, vae };
  } catch (e) {
    vae.dispose();
    throw e;
  }
}
