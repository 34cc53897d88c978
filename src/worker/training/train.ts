/** The worker's training job: dataset -> VAE -> trainVae, then calibration on held-out images. */
import { createVae } from '../../engine/model/vae';
import type { Vae } from '../../engine/model/autoencoder';
import { reconstructImages } from '../../engine/score/score';
import { trainVae, type TrainHooks, type TrainResult } from '../../engine/train/train';
import { EngineError } from '../../engine/errors';
import { FEW_IMAGES, smoothSigmaFor } from '../../engine/limits';
import { describe } from '../../engine/model/io';
import type { FloatImage, TrainConfig, VaeConfig } from '../../engine/types';
import { APP_VERSION } from '../../engine/version';
import { isAllocationFailure } from '../runtime/memory';
import { copyImage, type JobContext } from '../runtime/context';
import type { LoadedModel } from '../runtime/modelSlot';
import type { ImageStore } from '../dataset/images';
import { trainingInputs } from '../dataset/inputs';
import { calibrateHeldOut, calibrateTiled, CALIBRATION_PROJECTIONS, splitNormal } from './calibration';
import type { ReconPair, TrainArgs, TrainEvent, TrainResultInfo } from '../protocol';

/**
 * The training grid's images beside their reconstructions, one forward pass for all. Sent at the
 * end of the first epoch, then at most every GRID_EVERY_MS (an epoch of the demo takes about a
 * fifth of a second, and eight reconstructions read back, copied and posted every epoch took
 * about 2 % of its training), and once more when training ends, made with the weights kept.
 */
async function reconGrid(vae: Vae, images: FloatImage[]): Promise<ReconPair[]> {
  if (images.length === 0) return [];
  const outputs = await reconstructImages(vae, images);
  return images.map((input, i) => ({ input: copyImage(input), output: outputs[i]! }));
}

const GRID_EVERY_MS = 1000;

/** The training settings used: with very few images, flips and rotations make more of them. */
export function trainConfigFor(train: TrainConfig, count: number): TrainConfig {
  if (count >= FEW_IMAGES) return train;
  return { ...train, augment: { ...train.augment, flips: true, rot90: true } };
}

/** Runs `work` with an allocation failure turned into 'out-of-memory' and a smaller setting to try. */
async function withMemoryAdvice<T>(size: number, batchSize: number, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!isAllocationFailure(e)) throw e;
    const smaller = size > 16 ? `a working size of ${size / 2}×${size / 2}` : 'fewer filters';
    throw new EngineError(
      'out-of-memory',
      `training at ${size}×${size} px in batches of ${batchSize} ran out of memory. Try ${smaller} or a batch size of ${Math.max(1, Math.floor(batchSize / 2))}.`,
      { cause: e },
    );
  }
}

/** trainVae with the memory advice (the failure can come at any step). */
function trainWithAdvice(vae: Vae, images: FloatImage[], cfg: TrainConfig, hooks: TrainHooks): Promise<TrainResult> {
  return withMemoryAdvice(vae.config.size, cfg.batchSize, () => trainVae(vae, images, cfg, hooks));
}

/**
 * Trains `vae` (disposing it on failure). Returns the model to keep: `vae` itself, which ends
 * with the weights of the best finished epoch (also after a Stop mid-epoch), or null when no
 * epoch finished.
 */
async function trainKeepingEpochs(
  vae: Vae,
  images: FloatImage[],
  args: TrainArgs,
  ctx: JobContext<TrainEvent>,
): Promise<{ result: TrainResult; kept: Vae | null }> {
  const gridImages = images.slice(0, args.gridSize);
  const sendGrid = async (epoch: number) => ctx.emit({ kind: 'grid', epoch, grid: await reconGrid(vae, gridImages) });
  let gridAt = -Infinity;
  try {
    const result = await trainWithAdvice(vae, images, trainConfigFor(args.train, images.length), {
      onProgress: (progress) => ctx.emit({ kind: 'progress', progress }),
      onEpochEnd: async (e) => {
        ctx.emit({ kind: 'epoch', ...e });
        if (performance.now() - gridAt < GRID_EVERY_MS) return;
        gridAt = performance.now();
        await sendGrid(e.epoch);
      },
      shouldStop: ctx.shouldStop,
    });
    if (result.epochsDone > 0) {
      await sendGrid(result.bestEpoch ?? result.epochsDone);
      return { result, kept: vae };
    }
    vae.dispose();
    return { result, kept: null };
  } catch (e) {
    // After a WASM trap the module is broken and freeing can trap again: the first error is the
    // one to report (the backend is restarted afterwards, which drops these tensors anyway).
    try {
      vae.dispose();
    } catch {
      /* reported: e */
    }
    throw e;
  }
}

/**
 * Trains a new model. Returns it only when at least one epoch finished (a stop before that
 * keeps the previous model); the caller swaps it in, which disposes the old one.
 */
export async function trainJob(store: ImageStore, args: TrainArgs, ctx: JobContext<TrainEvent>): Promise<{ info: TrainResultInfo; model: LoadedModel | null }> {
  ctx.emit({ kind: 'phase', phase: 'preparing' });
  const items = store.list('normal');
  if (items.length === 0) throw new EngineError('empty-dataset', 'There are no normal images to train on.');
  const channels = store.datasetChannels('normal');
  const config: VaeConfig = { ...args.vae, channels };
  const spec = { layout: args.input, size: config.size, channels };
  const split = splitNormal(items, args.input, args.train.validationSplit, args.train.seed);
  const images = await trainingInputs(store, split.train, spec, args.train.seed);
  ctx.emit({ kind: 'phase', phase: 'training' });
  const { result, kept: vae } = await trainKeepingEpochs(
    // Creating a large model can already exhaust the memory.
    await withMemoryAdvice(config.size, args.train.batchSize, () => createVae(config, args.train.seed)),
    images,
    args,
    ctx,
  );
  const ended = { history: result.history, diverged: result.diverged, endedBy: result.endedBy, bestEpoch: result.bestEpoch };
  if (vae === null) return { info: { model: null, ...ended }, model: null };
  try {
    ctx.emit({ kind: 'phase', phase: 'calibrating' });
    const smoothSigma = smoothSigmaFor(config.size);
    const onProgress = (done: number, total: number) => ctx.emit({ kind: 'calibration', done, total });
    const run = { projection: args.projection, smoothSigma, after: result.stopped ? ('stopped' as const) : ('finished' as const), ctx, onProgress };
    const calibration =
      args.input.mode === 'patches'
        ? await calibrateTiled(store, vae, split.heldOut, spec, run)
        : await calibrateHeldOut(vae, result.validation.length > 0 ? result.validation : images.slice(0, CALIBRATION_PROJECTIONS), run);
    const description = describe({
      appVersion: APP_VERSION,
      config,
      input: args.input,
      train: args.train,
      calibration,
      smoothSigma,
      trainedAt: new Date().toISOString(),
      epochsDone: result.epochsDone,
      stopped: result.stopped,
      finalLoss: result.history.at(-1)?.loss ?? null,
    });
    return { info: { model: description, ...ended }, model: { vae, description } };
  } catch (e) {
    // After a WASM trap the module is broken and freeing can trap again: the first error is the
    // one to report (the backend is restarted afterwards, which drops these tensors anyway).
    try {
      vae.dispose();
    } catch {
      /* reported: e */
    }
    throw e;
  }
}
