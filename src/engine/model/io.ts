/**
 * Save and load a VAE as plain data (ModelArtifacts) and as two files:
 * model.json = {meta, weights: [{name, shape, offset, length}]} (offset and
 * length in bytes) and weights.bin = the weights as little-endian float32.
 * Every load is validated: a file from elsewhere or from a newer app is
 * 'model-incompatible'; damaged content is 'model-corrupt'.
 */
import { parseLayout } from '../data/layout';
import { EngineError, isEngineError } from '../errors';
import type { Calibration, CalibrationSet, DetailTerm, ModelArtifacts, ModelDescription, NamedWeight } from '../types';
import type { Vae } from './autoencoder';
import { sizeOf } from './init';
import { stableName, vaeFromWeights, validateConfig, weightSpecs } from './vae';

export const MODEL_FORMAT = 'manifold-lens-vae' as const;
export const FORMAT_VERSION = 1 as const;
export const DEFAULT_APP_VERSION = '0.1.0';

interface ManifestEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function corrupt(message: string, cause?: unknown): never {
  throw new EngineError('model-corrupt', message, cause === undefined ? undefined : { cause });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);
}

/** Reads the weights and config of `vae`; `meta` adds calibration, provenance and the like. */
export async function exportArtifacts(vae: Vae, meta: Partial<ModelDescription> = {}): Promise<ModelArtifacts> {
  const weights: NamedWeight[] = [];
  for (const v of vae.variables) {
    // A copy: some backends hand out their own backing store.
    const data = new Float32Array((await v.data()) as Float32Array);
    weights.push({ name: stableName(v), shape: [...v.shape], data });
  }
  return { meta: describe({ ...meta, format: MODEL_FORMAT, formatVersion: FORMAT_VERSION, config: { ...vae.config } }), weights };
}

/** Longest edge gain a file may hold. */
const MAX_EDGE_BAND = 1024;

/** A stored edge gain is used only when it is a list of finite numbers of at least 1 (score/edges.ts). */
function usableEdgeGain(g: unknown): g is number[] {
  return Array.isArray(g) && g.length <= MAX_EDGE_BAND && g.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 1);
}

/** A stored missing-detail term is used only with finite numbers, median above low and a positive scale (score/detail.ts). */
function usableDetail(d: unknown): d is DetailTerm {
  if (!isRecord(d)) return false;
  const { low, median, scale } = d as Record<string, unknown>;
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return finite(low) && finite(median) && finite(scale) && median > low && scale > 0;
}

/** The corrections of a file's map or score scale: a broken one is dropped (the maps are then used as they are). */
function usableCorrections(c: { edgeGain?: unknown; detail?: unknown }): Pick<Calibration, 'edgeGain' | 'detail'> {
  const { edgeGain, detail } = c;
  return { ...(usableEdgeGain(edgeGain) ? { edgeGain } : {}), ...(usableDetail(detail) ? { detail } : {}) };
}

/**
 * A method's calibration from a file. A score scale without a usable smoothing makes the whole
 * calibration unusable: its image threshold is of that scale's scores.
 */
function calibrationOf(c: unknown): Calibration | undefined {
  if (!isRecord(c)) return undefined;
  const { edgeGain, detail, score, ...rest } = c as unknown as Calibration;
  const out: Calibration = { ...rest, ...usableCorrections({ edgeGain, detail }) };
  if (score === undefined) return out;
  if (!isRecord(score) || typeof score.sigma !== 'number' || !Number.isFinite(score.sigma) || score.sigma < 0) return undefined;
  return { ...out, score: { sigma: score.sigma, ...usableCorrections(score) } };
}

/** The calibration set of a file, each method's own checked. */
function calibrationSetOf(raw: unknown): CalibrationSet {
  const cal: Partial<CalibrationSet> = isRecord(raw) ? raw : {};
  const residual = calibrationOf(cal.residual);
  const projection = calibrationOf(cal.projection);
  return { ...(residual ? { residual } : {}), ...(projection ? { projection } : {}), at: isRecord(cal.at) ? cal.at : null };
}

/**
 * A complete description from a validated one: files written before a field existed get its
 * neutral value (no calibration settings, 0 epochs, not stopped).
 */
export function describe(meta: Partial<ModelDescription> & Pick<ModelDescription, 'config'>): ModelDescription {
  const input = parseLayout(meta.input);
  return {
    format: MODEL_FORMAT,
    formatVersion: FORMAT_VERSION,
    appVersion: typeof meta.appVersion === 'string' ? meta.appVersion : DEFAULT_APP_VERSION,
    config: meta.config,
    ...(meta.train ? { train: meta.train } : {}),
    calibration: calibrationSetOf(meta.calibration),
    ...(input ? { input } : {}),
    ...(typeof meta.smoothSigma === 'number' && meta.smoothSigma >= 0 && Number.isFinite(meta.smoothSigma) ? { smoothSigma: meta.smoothSigma } : {}),
    trainedAt: typeof meta.trainedAt === 'string' ? meta.trainedAt : new Date(0).toISOString(),
    epochsDone: typeof meta.epochsDone === 'number' ? meta.epochsDone : 0,
    stopped: meta.stopped === true,
    finalLoss: typeof meta.finalLoss === 'number' ? meta.finalLoss : null,
  };
}

/** Checks format, version and config; throws 'model-incompatible' or 'model-corrupt'. */
export function validateMeta(meta: unknown): asserts meta is ModelDescription {
  if (!isRecord(meta)) corrupt('The model file has no metadata.');
  if (meta.format !== MODEL_FORMAT) {
    throw new EngineError('model-incompatible', `This is not a Manifold Lens model (format "${String(meta.format)}").`);
  }
  const version = meta.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) corrupt('The model file has no valid format version.');
  if (version > FORMAT_VERSION) {
    throw new EngineError(
      'model-incompatible',
      `This model was saved by a newer version of the app (format ${version}); this version reads format ${FORMAT_VERSION}.`,
    );
  }
  if (typeof meta.appVersion !== 'string') corrupt('The model file does not say which app version saved it.');
  if (!isRecord(meta.config)) corrupt('The model file has no model configuration.');
  try {
    validateConfig(meta.config as unknown as ModelDescription['config']);
  } catch (e) {
    if (!isEngineError(e, 'invalid-argument')) throw e;
    corrupt(`The model configuration is invalid: ${e.message}`, e);
  }
}

function checkWeight(w: NamedWeight, shape: readonly number[]): void {
  if (!(w.data instanceof Float32Array)) corrupt(`Weight ${w.name} is not float32 data.`);
  if (!isShape(w.shape) || w.shape.join(',') !== shape.join(',')) {
    corrupt(`Weight ${w.name} has shape [${String(w.shape)}], expected [${shape.join(',')}].`);
  }
  if (w.data.length !== sizeOf(shape)) corrupt(`Weight ${w.name} has ${w.data.length} values, expected ${sizeOf(shape)}.`);
  for (let i = 0; i < w.data.length; i++) {
    if (!Number.isFinite(w.data[i])) corrupt(`Weight ${w.name} holds a non-finite value (NaN or infinity).`);
  }
}

/** Every weight the config needs, once, with the right shape and finite values; nothing else. */
export function validateArtifacts(a: ModelArtifacts): void {
  if (!isRecord(a)) corrupt('The model is empty.');
  validateMeta(a.meta);
  if (!Array.isArray(a.weights)) corrupt('The model has no weights.');
  const given = new Map<string, NamedWeight>();
  for (const w of a.weights) {
    if (!isRecord(w) || typeof w.name !== 'string') corrupt('The model holds a weight without a name.');
    if (given.has(w.name)) corrupt(`Weight ${w.name} appears twice.`);
    given.set(w.name, w);
  }
  const specs = weightSpecs(a.meta.config);
  for (const spec of specs) {
    const w = given.get(spec.name);
    if (w === undefined) corrupt(`Weight ${spec.name} is missing.`);
    checkWeight(w, spec.shape);
  }
  if (given.size !== specs.length) {
    const extra = [...given.keys()].filter((n) => !specs.some((s) => s.name === n));
    corrupt(`The model holds weights this configuration does not use: ${extra.join(', ')}.`);
  }
}

/** Validates, then builds a Vae with these weights (the caller disposes it). */
export function importArtifacts(a: ModelArtifacts): Vae {
  validateArtifacts(a);
  return vaeFromWeights(a.meta.config, new Map(a.weights.map((w) => [w.name, w.data])));
}

function writeFloats(out: Uint8Array, offset: number, data: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, data.byteLength);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
}

function readFloats(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * 4));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The two files: model.json text and weights.bin bytes. */
export function encodeArtifacts(a: ModelArtifacts): { modelJson: string; weights: Uint8Array } {
  const manifest: ManifestEntry[] = [];
  let offset = 0;
  for (const w of a.weights) {
    manifest.push({ name: w.name, shape: [...w.shape], offset, length: w.data.byteLength });
    offset += w.data.byteLength;
  }
  const bytes = new Uint8Array(offset);
  a.weights.forEach((w, i) => writeFloats(bytes, manifest[i]?.offset ?? 0, w.data));
  return { modelJson: JSON.stringify({ meta: a.meta, weights: manifest }, null, 2), weights: bytes };
}

function parseModelJson(modelJson: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(modelJson);
  } catch (e) {
    corrupt('model.json is not valid JSON.', e);
  }
  if (!isRecord(parsed)) corrupt('model.json does not hold an object.');
  return parsed;
}

function readEntry(entry: unknown, bytes: Uint8Array): NamedWeight {
  if (!isRecord(entry) || typeof entry.name !== 'string' || !isShape(entry.shape)) {
    corrupt('model.json lists a weight without a valid name and shape.');
  }
  const { name, shape, offset, length } = entry;
  const count = sizeOf(shape);
  if (!Number.isInteger(offset) || (offset as number) < 0 || length !== count * 4) {
    corrupt(`model.json gives weight ${name} an invalid offset or length.`);
  }
  if ((offset as number) + count * 4 > bytes.byteLength) {
    corrupt(`weights.bin is truncated: weight ${name} needs bytes up to ${(offset as number) + count * 4}, the file has ${bytes.byteLength}.`);
  }
  return { name, shape, data: readFloats(bytes, offset as number, count) };
}

/** Parses and validates model.json + weights.bin; throws EngineError 'model-corrupt' or 'model-incompatible'. */
export function decodeArtifacts(modelJson: string, weights: Uint8Array): ModelArtifacts {
  const parsed = parseModelJson(modelJson);
  // Metadata first: a newer or foreign file is reported as such, not as damaged.
  validateMeta(parsed.meta);
  if (!Array.isArray(parsed.weights)) corrupt('model.json has no weight list.');
  const artifacts: ModelArtifacts = { meta: describe(parsed.meta), weights: parsed.weights.map((e: unknown) => readEntry(e, weights)) };
  validateArtifacts(artifacts);
  return artifacts;
}
