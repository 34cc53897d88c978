/**
 * The model as one file: a zip holding model.json and weights.bin (engine/model/io's two files,
 * validated on load) and metadata.json (what the page needs beyond the weights: working size,
 * channels, calibration, training summary, app version, inspection settings). The same three
 * parts are what IndexedDB stores (persist.ts), so a stored model and a file load alike.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { EngineError } from '../../engine/errors';
import { decodeArtifacts, describe, encodeArtifacts, exportArtifacts, importArtifacts } from '../../engine/model/io';
import { PROJECTION_VARIANTS, type ModelDescription } from '../../engine/types';
import type { RestoredModel, SavedSettings } from '../protocol';
import type { LoadedModel } from '../runtime/modelSlot';

/** The three parts of a saved model. */
export interface ModelParts {
  modelJson: string;
  weights: Uint8Array;
  metadata: ModelMetadata;
}

/**
 * metadata.json: the model's description (the same as in model.json) for a person to read,
 * the working size and channels spelled out, and the inspection settings.
 */
export interface ModelMetadata extends ModelDescription {
  app: 'manifold-lens';
  workingSize: number;
  channels: number;
  settings: SavedSettings | null;
}

function corrupt(message: string, cause?: unknown): never {
  throw new EngineError('model-corrupt', message, cause === undefined ? undefined : { cause });
}

export function metadataOf(description: ModelDescription, settings: SavedSettings | null): ModelMetadata {
  return { app: 'manifold-lens', ...description, workingSize: description.config.size, channels: description.config.channels, settings };
}

/** The loaded model's weights and description as the three parts. */
export async function modelParts({ vae, description }: LoadedModel, settings: SavedSettings | null): Promise<ModelParts> {
  const { modelJson, weights } = encodeArtifacts(await exportArtifacts(vae, description));
  return { modelJson, weights, metadata: metadataOf(description, settings) };
}

export function packModelFile(parts: ModelParts): Uint8Array {
  return zipSync({
    'model.json': strToU8(parts.modelJson),
    'weights.bin': parts.weights,
    'metadata.json': strToU8(JSON.stringify(parts.metadata, null, 2)),
  });
}

function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (e) {
    return corrupt('This file is not a Manifold Lens model: it is not a zip archive (or the archive is damaged).', e);
  }
}

function parseMetadata(bytes: Uint8Array | undefined): Partial<ModelMetadata> {
  if (bytes === undefined) return {};
  try {
    const v: unknown = JSON.parse(strFromU8(bytes));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Partial<ModelMetadata>;
  } catch (e) {
    return corrupt('metadata.json in the model file is not valid JSON.', e);
  }
  return corrupt('metadata.json in the model file does not hold an object.');
}

/** The parts of a model file; throws EngineError 'model-corrupt' for anything but our zip. */
export function unpackModelFile(bytes: Uint8Array): { modelJson: string; weights: Uint8Array; metadata: Partial<ModelMetadata> } {
  const files = unzip(bytes);
  // Folders inside the zip (e.g. re-zipped by hand) are fine: match on the base name.
  const byBase = new Map(Object.entries(files).map(([k, v]) => [k.slice(k.lastIndexOf('/') + 1), v]));
  const json = byBase.get('model.json');
  const weights = byBase.get('weights.bin');
  if (!json || !weights) corrupt('The model file must hold model.json and weights.bin; one of them is missing.');
  return { modelJson: strFromU8(json), weights, metadata: parseMetadata(byBase.get('metadata.json')) };
}

export function validSettings(s: unknown): SavedSettings | null {
  if (typeof s !== 'object' || s === null) return null;
  const p = (s as Partial<SavedSettings>).projection;
  if (!p || ![p.alpha, p.lambda, p.iterations].every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  const t = (s as Partial<SavedSettings>).thresholds;
  const thresholds: SavedSettings['thresholds'] = {};
  for (const m of ['residual', 'projection'] as const) {
    const v = t?.[m];
    if (typeof v === 'number' && Number.isFinite(v)) thresholds[m] = v;
  }
  const variant = PROJECTION_VARIANTS.find((v) => v === p.variant) ?? 'weighted';
  return { projection: { alpha: p.alpha, lambda: p.lambda, iterations: p.iterations, variant }, thresholds };
}

/** Files of the first format version kept the calibration's settings in metadata.json only. */
function legacyCalibrationSettings(md: Partial<ModelMetadata> & { calibratedWith?: unknown }): ModelDescription['calibration']['at'] {
  const at = md.calibratedWith;
  return typeof at === 'object' && at !== null ? (at as ModelDescription['calibration']['at']) : null;
}

/** Validates the parts and builds the model (the caller disposes it); throws 'model-corrupt' / 'model-incompatible'. */
export function loadModelParts(parts: { modelJson: string; weights: Uint8Array; metadata: Partial<ModelMetadata> }): { loaded: LoadedModel; restored: RestoredModel } {
  const { meta, weights } = decodeArtifacts(parts.modelJson, parts.weights);
  const md = parts.metadata;
  // model.json's description wins; metadata.json fills what older files kept only there.
  const description = describe({
    ...meta,
    epochsDone: meta.epochsDone || (typeof md.epochsDone === 'number' ? md.epochsDone : 0),
    stopped: meta.stopped || md.stopped === true,
    calibration: { ...meta.calibration, at: meta.calibration.at ?? legacyCalibrationSettings(md) },
  });
  const vae = importArtifacts({ meta: description, weights });
  return { loaded: { vae, description }, restored: { model: description, settings: validSettings(md.settings) } };
}

/** A file name for the download: manifold-lens-<size>px-<date>.zip. */
export function modelFileName(info: ModelDescription): string {
  const day = info.trainedAt.slice(0, 10).replace(/[^0-9-]/g, '') || 'model';
  return `manifold-lens-${info.config.size}px-${day}.zip`;
}
