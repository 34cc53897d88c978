/** The worker's inspection jobs: one image live (frames), or many images' scores. */
import { cropField, cropImage, cropMap, layoutOf, scaledSize, type ContentBox } from '../../engine/data/layout';
import { EngineError } from '../../engine/errors';
import { projectionBatchFor, smoothSigmaOf } from '../../engine/limits';
import { correctionsOf, type MapCorrections } from '../../engine/score/corrections';
import { scoreBatch, scoreImage, type ScoreOptions, type Scored } from '../../engine/score/pipeline';
import { fitForTiles, gridFor, LIVE_TILES, scoreTiled, scoreTiledLive } from '../../engine/tiles/score';
import type { AnomalyResult, FloatImage, ProjectionSettings } from '../../engine/types';
import { copyImage, type JobContext } from '../runtime/context';
import type { LoadedModel } from '../runtime/modelSlot';
import type { ImageStore, StoredImage } from '../dataset/images';
import { modelInput, type InputSpec, type ModelInput } from '../dataset/inputs';
import { toFloatImage } from '../../engine/data/image';
import type { ImageScores, InspectArgs, InspectFrame, InspectResidual, InspectResult, InspectTiles, LiveArgs, LiveResult } from '../protocol';

function specOf({ description }: LoadedModel): InputSpec {
  const { size, channels } = description.config;
  return { layout: layoutOf(description), size, channels };
}

/** The model's map corrections (its calibration's; patch models have none). */
const correctionsFor = ({ description }: LoadedModel): MapCorrections => correctionsOf(description.calibration);

/** Results of the letterboxed square cut back to the image (identity without a box). */
const cropResult = (r: AnomalyResult, box: ContentBox | null) => (box ? cropMap(r, box) : r);
const crop = (img: FloatImage, box: ContentBox | null) => (box ? cropImage(img, box) : img);
const cropFrameMap = (map: Float32Array, side: number, box: ContentBox | null) => (box ? cropField(map, side, side, box) : map);

/**
 * Scores one prepared input the way its layout needs: one square (scoreImage), the tiles of a
 * scaled image in lockstep with whole-image frames (up to LIVE_TILES tiles), or a very large
 * one chunk by chunk, reporting the tiles done (no frames).
 */
async function scoreInput(model: LoadedModel, input: ModelInput, o: ScoreOptions, onTiles?: (t: InspectTiles) => void): Promise<Scored> {
  const layout = layoutOf(model.description);
  if (layout.mode !== 'patches') return scoreImage(model.vae, input.image, o);
  const stride = layout.stride;
  const tiles = gridFor(model.vae, input.image, stride).origins.length;
  if (tiles <= LIVE_TILES) {
    onTiles?.({ kind: 'tiles', live: true, done: 0, total: tiles });
    return scoreTiledLive(model.vae, input.image, { ...o, stride });
  }
  const s = await scoreTiled(model.vae, input.image, {
    ...o,
    stride,
    onProgress: (done, total) => onTiles?.({ kind: 'tiles', live: false, done, total }),
  });
  if (s.stopped) throw new EngineError('cancelled', 'The inspection was cancelled.');
  return s;
}

/** Residual and projection of one test image, sending x_t and its map every `every` steps. */
export async function inspectJob(store: ImageStore, model: LoadedModel, args: InspectArgs, ctx: JobContext<InspectResidual | InspectFrame | InspectTiles>): Promise<InspectResult> {
  const input = await modelInput(store, 'test', store.get('test', args.testId), specOf(model));
  const { box, image } = input;
  const iterations = args.settings.iterations;
  const s = await scoreInput(
    model,
    input,
    {
      projection: args.settings,
      smoothSigma: smoothSigmaOf(model.description),
      corrections: correctionsFor(model),
      every: args.every,
      shouldStop: ctx.shouldStop,
      onResidual: (recon, residual) => ctx.emit({ kind: 'residual', recon: copyImage(crop(recon, box)), residual: copyResult(cropResult(residual, box)) }),
      onFrame: (f, map, scoreMap) => {
        const frame: InspectFrame = { kind: 'frame', iteration: f.iteration, iterations, energy: f.energy };
        if (f.image && map) Object.assign(frame, { image: copyImage(crop(f.image, box)), map: cropFrameMap(map, image.width, box).slice() });
        if (f.image && scoreMap) frame.scoreMap = cropFrameMap(scoreMap, image.width, box).slice();
        ctx.emit(frame);
      },
    },
    (t) => ctx.emit(t),
  );
  const { recon, residual, projected, projection } = complete(s);
  return {
    testId: args.testId,
    x0: crop(image, box),
    recon: crop(recon, box),
    projected: crop(projected, box),
    residual: cropResult(residual, box),
    projection: cropResult(projection, box),
    energies: s.energies,
    stopped: s.stopped,
  };
}

const copyResult = (r: AnomalyResult): AnomalyResult => ({ ...r, map: r.map.slice(), ...(r.scoreMap ? { scoreMap: r.scoreMap.slice() } : {}) });

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
  const spec = specOf(model);
  const smoothSigma = smoothSigmaOf(model.description);
  const batch = spec.layout.mode === 'patches' ? 1 : projectionBatchFor(spec.size);
  for (let start = 0; start < testIds.length; start += batch) {
    if (shouldStop()) return true;
    const items = testIds.slice(start, start + batch).filter((id) => store.has('test', id)).map((id) => store.get('test', id));
    if (items.length === 0) continue;
    const inputs: ModelInput[] = [];
    for (const item of items) inputs.push(await modelInput(store, 'test', item, spec));
    const done = (i: number, s: Scored) => {
      const b = complete(s);
      const box = inputs[i]!.box;
      onImage(items[i]!, { ...b, residual: cropResult(b.residual, box), projection: cropResult(b.projection, box) });
    };
    if (spec.layout.mode === 'patches') {
      const s = await scoreTiled(model.vae, inputs[0]!.image, { projection: settings, smoothSigma, stride: spec.layout.stride, shouldStop });
      if (s.stopped) return true;
      done(0, s);
      continue;
    }
    const run = await scoreBatch(model.vae, inputs.map((x) => x.image), { projection: settings, smoothSigma, corrections: correctionsFor(model), batch: items.length, shouldStop, onScored: done });
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

/**
 * A camera frame (square RGBA) through the pipeline: at the model's size and channels, or in
 * patch mode at the model's scale, tiled (no frames: the next camera frame waits for it).
 */
export async function inspectLive(model: LoadedModel, { frame, settings }: LiveArgs, ctx: JobContext<never>): Promise<LiveResult> {
  const { size, channels } = model.description.config;
  const layout = layoutOf(model.description);
  const pixels = { width: frame.width, height: frame.height, channels: 4 as const, data: frame.data };
  const o = { projection: settings, smoothSigma: smoothSigmaOf(model.description), shouldStop: ctx.shouldStop };
  if (layout.mode === 'patches') {
    const side = scaledSize(frame.width, frame.height, layout.scale);
    const x0 = fitForTiles(toFloatImage(pixels, { size: Math.max(side.width, side.height), channels, fit: 'crop' }), size);
    const s = await scoreTiled(model.vae, x0, { ...o, stride: layout.stride });
    if (s.stopped) throw new EngineError('cancelled', 'The camera frame was dropped.');
    const b = complete(s);
    return { x0, residual: b.residual, projection: b.projection };
  }
  const x0 = toFloatImage(pixels, { size, channels, fit: 'crop' });
  const s = complete(await scoreImage(model.vae, x0, { ...o, corrections: correctionsFor(model) }));
  return { x0, residual: s.residual, projection: s.projection };
}
