/** Training handlers: train a new model into the slot, recalibrate the one in it. */
import { mulberry32 } from '../../engine/data/random';
import { EngineError } from '../../engine/errors';
import { layoutOf } from '../../engine/data/layout';
import { smoothSigmaOf } from '../../engine/limits';
import { trainingInputs } from '../dataset/inputs';
import { splitValidation } from '../../engine/train/batches';
import type { CalibrationSet, ModelDescription, ProjectionSettings } from '../../engine/types';
import type { DomainHandlers, WorkerDeps } from '../runtime/handler';
import { trainJob } from './train';
import { calibrateHeldOut, calibrateTiled, CALIBRATION_PROJECTIONS, splitNormal } from './calibration';
import type { JobContext } from '../runtime/context';

/** The held-out normal images of training (same split, same seed), from the images loaded now. */
async function recalibrate(deps: WorkerDeps, projection: ProjectionSettings, ctx: JobContext<{ done: number; total: number }>): Promise<ModelDescription> {
  const { vae, description } = deps.slot.require();
  const items = deps.store.list('normal');
  if (items.length === 0) {
    throw new EngineError('empty-dataset', 'Recalibrating needs the normal images the model was trained on: drop them again first.');
  }
  const { size, channels } = description.config;
  const spec = { layout: layoutOf(description), size, channels };
  const split = description.train?.validationSplit ?? 0.2;
  const seed = description.train?.seed ?? 1;
  const run = { projection, smoothSigma: smoothSigmaOf(description), after: 'finished' as const, ctx, onProgress: (done: number, total: number) => ctx.emit({ done, total }) };
  let calibration: CalibrationSet;
  if (spec.layout.mode === 'patches') {
    calibration = await calibrateTiled(deps.store, vae, splitNormal(items, spec.layout, split, seed).heldOut, spec, run);
  } else {
    const images = await trainingInputs(deps.store, items, spec, seed);
    const heldOut = splitValidation(images, split, mulberry32(seed)).validation;
    calibration = await calibrateHeldOut(vae, heldOut.length > 0 ? heldOut : images.slice(0, CALIBRATION_PROJECTIONS), run);
  }
  if (!calibration.projection) throw new EngineError('cancelled', 'Recalibration was cancelled.');
  const next = { ...description, calibration };
  deps.slot.describe(next);
  return next;
}

export function trainingHandlers(deps: WorkerDeps): DomainHandlers<'train' | 'recalibrate'> {
  return {
    train: deps.onGpu(async (args, ctx) => {
      const { info, model } = await trainJob(deps.store, args, ctx);
      if (model) deps.slot.swap(model);
      return info;
    }),
    recalibrate: deps.onGpu(async ({ projection }, ctx) => recalibrate(deps, projection, ctx)),
  };
}
