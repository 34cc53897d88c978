/**
 * The model as one file: a zip holding model.json and weights.bin (engine/model/io's two files,
 * validated on load) and metadata.json (what the page needs beyond the weights: working size,
 * channels, calibration, training summary, app version, inspection settings). The same three
 * parts are what IndexedDB stores (persist.ts), so a stored model and a file load alike.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { EngineError } from '../engine/errors';
import type { Vae } from '../engine/model/autoencoder';
import { APP_VERSION } from './version';
import { decodeArtifacts, encodeArtifacts, exportArtifacts, FORMAT_VERSION, importArtifacts } from '../engine/model/io';
import type { ProjectionSettings } from '../engine/types';
import type { RestoredModel, SavedSettings } from './keepProtocol';
import type { ModelInfo } from './protocol';

export { APP_VERSION };

/** The three parts of a saved model. */
export interface ModelParts {
  modelJson: string;
  weights: Uint8Array;
  metadata: ModelMetadata;
}

/** metadata.json: readable by a person, and enough to describe the model without loading it. */
export interface ModelMetadata {
  app: 'manifold-lens';
  appVersion: string;
  formatVersion: number;
  workingSize: number;
  channels: number;
  config: ModelInfo['config'];
  calibration: ModelInfo['calibration'];
  calibratedWith: ProjectionSettings | null;
  trainedAt: string;
  epochsDone: number;
  stopped: boolean;
  finalLoss: number | null;
  settings: SavedSettings | null;
}

function corrupt(message: string, cause?: unknown): never {
  throw new EngineError('model-corrupt', message, cause === undefined ? undefined : { cause });
}

export function metadataOf(info: ModelInfo, settings: SavedSettings | null): ModelMetadata {
  return {
    app: 'manifold-lens',
    appVersion: APP_VERSION,
    formatVersion: FORMAT_VERSION,
    workingSize: info.config.size,
    channels: info.config.channels,
    config: info.config,
    calibration: info.calibration,
    calibratedWith: info.calibratedWith,
    trainedAt: info.trainedAt,
    epochsDone: info.epochsDone,
    stopped: info.stopped,
    finalLoss: info.finalLoss,
    settings,
  };
}

/** Weights of the live model plus the page's description of it. */
export async function modelParts(vae: Vae, info: ModelInfo, settings: SavedSettings | null): Promise<ModelParts> {
  const artifacts = await exportArtifacts(vae, { calibration: info.calibration, trainedAt: info.trainedAt, finalLoss: info.finalLoss ?? undefined }, APP_VERSION);
  const { modelJson, weights } = encodeArtifacts(artifacts);
  return { modelJson, weights, metadata: metadataOf(info, settings) };
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
  return { projection: { alpha: p.alpha, lambda: p.lambda, iterations: p.iterations }, thresholds };
}

/** Validates the parts and builds the model (the caller disposes it); throws 'model-corrupt' / 'model-incompatible'. */
export function loadModelParts(parts: { modelJson: string; weights: Uint8Array; metadata: Partial<ModelMetadata> }): { vae: Vae; restored: RestoredModel } {
  const artifacts = decodeArtifacts(parts.modelJson, parts.weights);
  const meta = artifacts.meta;
  const md = parts.metadata;
  const model: ModelInfo = {
    config: meta.config,
    trainedAt: meta.trainedAt ?? (typeof md.trainedAt === 'string' ? md.trainedAt : new Date(0).toISOString()),
    epochsDone: typeof md.epochsDone === 'number' ? md.epochsDone : 0,
    stopped: md.stopped === true,
    finalLoss: meta.finalLoss ?? null,
    calibration: meta.calibration ?? {},
    calibratedWith: md.calibratedWith && typeof md.calibratedWith === 'object' ? md.calibratedWith : null,
  };
  const vae = importArtifacts(artifacts);
  return { vae, restored: { model, settings: validSettings(md.settings) } };
}

/** A file name for the download: manifold-lens-<size>px-<date>.zip. */
export function modelFileName(info: ModelInfo): string {
  const day = info.trainedAt.slice(0, 10).replace(/[^0-9-]/g, '') || 'model';
  return `manifold-lens-${info.config.size}px-${day}.zip`;
}
