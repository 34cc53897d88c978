/** The worker's inspection jobs: one image live (frames), or many images' scores. */
import { projectionBatchFor, smoothSigmaOf } from '../../engine/limits';
import { scoreBatch, scoreImage, type Scored } from '../../engine/score/pipeline';
import type { FloatImage, ProjectionSettings } from '../../engine/types';
import { copyImage, type JobContext } from '../runtime/context';
import type { LoadedModel } from '../runtime/modelSlot';
import type { ImageStore, StoredImage } from '../dataset/images';
import { toFloatImage } from '../../engine/data/image';
import type { ImageScores, InspectArgs, InspectFrame, InspectResidual, InspectResult, LiveArgs, LiveResult } from '../protocol';

function testInput(store: ImageStore, { description }: LoadedModel, item: StoredImage): FloatImage {
  const { size, channels } = description.config;
  return store.working(item, size, channels);
}

/** Residual and projection of one test image, sending x_t and its map every `every` steps. */
export async function inspectJob(store: ImageStore, model: LoadedModel, args: InspectArgs, ctx: JobContext<InspectResidual | InspectFrame>): Promise<InspectResult> {
  const x0 = testInput(store, model, store.get('test', args.testId));
  const iterations = args.settings.iterations;
  const s = await scoreImage(model.vae, x0, {
    projection: args.settings,
    smoothSigma: smoothSigmaOf(model.description),
    every: args.every,
    shouldStop: ctx.shouldStop,
    onResidual: (recon, residual) => ctx.emit({ kind: 'residual', recon: copyImage(recon), residual: { ...residual, map: residual.map.slice() } }),
    onFrame: (f, map) => {
      const frame: InspectFrame = { kind: 'frame', iteration: f.iteration, iterations, energy: f.energy };
      if (f.image && map) Object.assign(frame, { image: copyImage(f.image), map });
      ctx.emit(frame);
    },
  });
  const { recon, residual, projected, projection } = complete(s);
  return { testId: args.testId, x0, recon, projected, residual, projection, energies: s.energies, stopped: s.stopped };
}

/** What scoreImage gives when asked for both methods. */
export type BothScored = { [K in keyof Scored]: NonNullable<Scored[K]> };

export function complete(s: Scored): BothScored {
  if (!s.recon || !s.residual || !s.projected || !s.projection) throw new Error('The scoring pipeline left out a method it was asked for.');
  return { ...s, recon: s.recon, residual: s.residual, projected: s.projected, projection: s.projection };
}

/**
 * Both methods on each listed test image that is still loaded (an image removed while the job
 * waited is skipped), projected together a batch at a time, calling `onImage` as each batch
 * ends. Only one batch of working images is made at a time. Returns true when cancelled.
 */
export async function scoreEach(
  store: ImageStore,
  model: LoadedModel,
  testIds: string[],
  settings: ProjectionSettings,
  shouldStop: () => boolean,
  onImage: (item: StoredImage, scored: BothScored) => void,
): Promise<boolean> {
  const { size } = model.description.config;
  const batch = projectionBatchFor(size);
  for (let start = 0; start < testIds.length; start += batch) {
    if (shouldStop()) return true;
    const items = testIds.slice(start, start + batch).filter((id) => store.has('test', id)).map((id) => store.get('test', id));
    if (items.length === 0) continue;
    const run = await scoreBatch(model.vae, items.map((item) => testInput(store, model, item)), {
      projection: settings,
      smoothSigma: smoothSigmaOf(model.description),
      batch: items.length,
      shouldStop,
      onScored: (i, s) => onImage(items[i]!, complete(s)),
    });
    if (run.stopped) return true;
  }
  return false;
}

/** Scores of many test images (no frames). */
export async function scoreJob(store: ImageStore, model: LoadedModel, testIds: string[], settings: ProjectionSettings, ctx: JobContext<ImageScores>): Promise<{ stopped: boolean }> {
  const stopped = await scoreEach(store, model, testIds, settings, ctx.shouldStop, (item, s) =>
    ctx.emit({ testId: item.id, residual: s.residual.score, projection: s.projection.score }),
  );
  return { stopped };
}

/** A camera frame (square RGBA) at the model's size and channels, through the pipeline. */
export async function inspectLive(model: LoadedModel, { frame, settings }: LiveArgs, ctx: JobContext<never>): Promise<LiveResult> {
  const { size, channels } = model.description.config;
  const pixels = { width: frame.width, height: frame.height, channels: 4 as const, data: frame.data };
  const x0 = toFloatImage(pixels, { size, channels, fit: 'crop' });
  const s = complete(await scoreImage(model.vae, x0, { projection: settings, smoothSigma: smoothSigmaOf(model.description), shouldStop: ctx.shouldStop }));
  return { x0, residual: s.residual, projection: s.projection };
}
