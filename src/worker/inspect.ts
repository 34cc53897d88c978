/** The worker's inspection jobs: one image live (frames), or many images' scores. */
import type { Autoencoder } from '../engine/model/autoencoder';
import { runProjection } from '../engine/project/run';
import { anomalyMap, reconstructImage, toResult } from '../engine/score/score';
import { EngineError } from '../engine/errors';
import type { AnomalyResult, FloatImage } from '../engine/types';
import { copyImage, type JobContext } from './context';
import { countProjection } from './memory';
import type { ImageStore } from './images';
import type { ImageScores, InspectArgs, InspectFrame, InspectResidual, InspectResult, ScoreArgs } from './protocol';

export function requireModel(model: Autoencoder | null): Autoencoder {
  if (!model) throw new EngineError('invalid-argument', 'There is no trained model yet: train one first.');
  return model;
}

function testInput(store: ImageStore, model: Autoencoder, testId: string): FloatImage {
  const { size, channels } = model.config;
  return store.working(store.get('test', testId), size, channels);
}

/** Residual and projection of one test image, sending x_t and its map every `every` steps. */
export async function inspectJob(
  store: ImageStore,
  model: Autoencoder,
  args: InspectArgs,
  ctx: JobContext<InspectResidual | InspectFrame>,
): Promise<InspectResult> {
  const x0 = testInput(store, model, args.testId);
  const recon = await reconstructImage(model, x0);
  const residual = toResult('residual', x0, recon, args.smoothSigma);
  ctx.emit({ kind: 'residual', recon: copyImage(recon), residual: { ...residual, map: residual.map.slice() } });
  const iterations = args.settings.iterations;
  const run = await countProjection(iterations, () => runProjection(model, x0, args.settings, {
    every: args.every,
    shouldStop: ctx.shouldStop,
    onFrame: (f) => {
      const frame: InspectFrame = { kind: 'frame', iteration: f.iteration, iterations, energy: f.energy };
      if (f.image) {
        frame.image = copyImage(f.image);
        frame.map = anomalyMap(x0, f.image, args.smoothSigma);
      }
      ctx.emit(frame);
    },
  }));
  const projection = toResult('projection', x0, run.xT, args.smoothSigma);
  return { testId: args.testId, x0, recon, projected: run.xT, residual, projection, energies: run.energies, stopped: run.stopped };
}

/** Scores of many test images (no frames); stops between images when cancelled. */
export async function scoreJob(
  store: ImageStore,
  model: Autoencoder,
  args: ScoreArgs,
  ctx: JobContext<ImageScores>,
): Promise<{ stopped: boolean }> {
  for (const testId of args.testIds) {
    if (ctx.shouldStop()) return { stopped: true };
    // Removed from the list while this job waited or ran: nothing to score.
    if (!store.has('test', testId)) continue;
    const x0 = testInput(store, model, testId);
    const residual = toResult('residual', x0, await reconstructImage(model, x0), args.smoothSigma);
    const run = await runProjection(model, x0, args.settings, { every: args.settings.iterations, shouldStop: ctx.shouldStop });
    if (run.stopped) return { stopped: true };
    const projection = toResult('projection', x0, run.xT, args.smoothSigma);
    ctx.emit({ testId, residual: residual.score, projection: projection.score });
  }
  return { stopped: false };
}

/** The maps of the last finished inspection, kept for the test hook's lastMap(). */
export interface LastMaps {
  residual: AnomalyResult;
  projection: AnomalyResult;
}
