/**
 * The inspect command: a model file exported from the page scores a folder of images through the
 * page's own loader, input layout (squashed, letterboxed or tiled) and scoring pipeline, so its
 * maps are the page's maps.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../engine/errors';
import { smoothSigmaOf } from '../engine/limits';
import { correctionsOf } from '../engine/score/corrections';
import { scoreImage } from '../engine/score/pipeline';
import { isStale, scaleFor, verdictOf } from '../engine/score/threshold';
import type { AnomalyResult, ModelDescription, ProjectionSettings } from '../engine/types';
import type { LoadedModel } from '../worker/runtime/modelSlot';
import { INSPECT_USAGE, InputError, parseInspectArgs, type InspectArgs } from './inspect-args';
import { listImages, modelInputOf, type CliInput, type ImageFile } from './inspect-images';
import { cropMap, describeLayout, layoutOf } from '../engine/data/layout';
import { scoreTiled } from '../engine/tiles/score';
import { buildModel, calibrationNote, chooseSettings, describeSettings, readModelFile } from './inspect-model';
import { outputStems, resultsCsv, writeMaps, type ResultRow } from './inspect-output';
import { backendLine, useNodeBackend } from './node-backend';

export type Log = (line: string) => void;

interface Job {
  args: InspectArgs;
  model: LoadedModel;
  settings: ProjectionSettings;
  log: Log;
}

function rowsOf(job: Job, file: ImageFile, results: AnomalyResult[]): ResultRow[] {
  const cal = job.model.description.calibration;
  return results.map((r) => {
    const { threshold } = scaleFor(cal, r.method, undefined, 0);
    const verdict = verdictOf(r.score, threshold);
    const thresholdStale = isStale(cal, r.method, job.settings);
    return { file: file.rel, method: r.method, score: r.score, threshold, verdict, thresholdStale, width: r.width, height: r.height, settings: job.settings };
  });
}

/** Both methods' results for one model input, by the model's layout (the page's way: worker/inspection/inspect.ts). */
async function scoreInput(job: Job, input: CliInput): Promise<AnomalyResult[]> {
  const layout = layoutOf(job.model.description);
  const o = { projection: job.settings, smoothSigma: smoothSigmaOf(job.model.description), methods: ['residual' as const, 'projection' as const] };
  const s = layout.mode === 'patches'
    ? await scoreTiled(job.model.vae, input.image, { ...o, stride: layout.stride })
    : await scoreImage(job.model.vae, input.image, { ...o, corrections: correctionsOf(job.model.description.calibration) });
  const box = input.box;
  return [s.residual, s.projection].filter((r): r is AnomalyResult => r !== null).map((r) => (box ? cropMap(r, box) : r));
}

async function scoreOne(job: Job, file: ImageFile, stem: string): Promise<ResultRow[]> {
  const { config, calibration } = job.model.description;
  const input = await modelInputOf(file, layoutOf(job.model.description), config.size, config.channels);
  const results = await scoreInput(job, input);
  for (const r of results) {
    // The page's fixed colour scale: the calibration's, or the image's own maximum without one.
    await writeMaps(job.args.out, stem, r, job.args.colormap, scaleFor(calibration, r.method, undefined, r.score).scaleMax);
  }
  return rowsOf(job, file, results);
}

/** Scores every image; a file that fails to decode is named and skipped, like a non-image. */
async function scoreAll(job: Job, files: ImageFile[]): Promise<ResultRow[]> {
  const stems = outputStems(files.map((f) => f.rel));
  const rows: ResultRow[] = [];
  for (const [i, file] of files.entries()) {
    job.log(`${i + 1}/${files.length} ${file.rel}`);
    try {
      rows.push(...(await scoreOne(job, file, stems[i] as string)));
    } catch (e) {
      job.log(`skipped ${file.rel}: ${errorMessage(e)}`);
    }
  }
  return rows;
}

function describeModel(d: ModelDescription): string {
  const { size, channels, latent } = d.config;
  return `model: ${size} px ${channels === 1 ? 'gray' : 'colour'}, latent ${latent}, ${describeLayout(layoutOf(d), size)}, ${d.epochsDone} epochs${d.stopped ? ' (stopped early)' : ''}, trained ${d.trainedAt}`;
}

async function inspect(args: InspectArgs, log: Log): Promise<void> {
  const parts = await readModelFile(args.model);
  const files = await listImages(args.dir, log);
  log(backendLine(args.backend, await useNodeBackend(args.backend)));
  const { loaded, restored } = buildModel(args.model, parts);
  try {
    const { settings, source } = chooseSettings(restored, args.projection);
    log(describeModel(loaded.description));
    log(`projection: ${describeSettings(settings)} (${Object.keys(args.projection).length > 0 ? 'the command line over ' : ''}${source})`);
    const note = calibrationNote(loaded.description.calibration, settings);
    if (note) log(note);
    await mkdir(args.out, { recursive: true });
    const rows = await scoreAll({ args, model: loaded, settings, log }, files);
    if (rows.length === 0) throw new InputError(`none of the ${files.length} images in ${args.dir} could be read.`);
    await writeFile(join(args.out, 'results.csv'), resultsCsv(rows));
    const scored = new Set(rows.map((r) => r.file)).size;
    log(`wrote the maps of ${scored} of ${files.length} images and results.csv to ${args.out}`);
  } finally {
    loaded.vae.dispose();
  }
}

/** Runs the command; 0 when done, 2 for a mistake in the input (one line on `log`), 1 for a failure. */
export async function runInspect(argv: string[], log: Log, out: Log = console.log): Promise<number> {
  try {
    const parsed = parseInspectArgs(argv);
    if (parsed.kind === 'help') out(INSPECT_USAGE);
    else await inspect(parsed.args, log);
    return 0;
  } catch (e) {
    log(`inspect: ${errorMessage(e)}`);
    return e instanceof InputError ? 2 : 1;
  }
}
