/**
 * The inspect command's model: the page's exported file through the page's own loader, and the
 * projection settings and thresholds the page would use with it.
 */
import { readFile } from 'node:fs/promises';
import { errorMessage, isEngineError } from '../engine/errors';
import { DEFAULT_PROJECTION } from '../engine/limits';
import { isStale } from '../engine/score/threshold';
import type { CalibrationSet, ProjectionSettings } from '../engine/types';
import type { RestoredModel } from '../worker/protocol';
import type { LoadedModel } from '../worker/runtime/modelSlot';
import { loadModelParts, unpackModelFile } from '../worker/model/files';
import { InputError } from './inspect-args';

/** The app's slider defaults (README, "Choosing the defaults"), for a file that saved none. */

type Unpacked = ReturnType<typeof unpackModelFile>;

function asInput(path: string, e: unknown): never {
  // The loader's EngineErrors are sentences for a person ("... is not a zip archive ..."); anything else is a bug.
  if (isEngineError(e)) throw new InputError(`${path}: ${e.message}`);
  throw e;
}

/** Reads and unpacks the file (no tf needed), so a wrong file fails before a backend starts. */
export async function readModelFile(path: string): Promise<Unpacked> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new InputError(`the model file ${path} cannot be read (${errorMessage(e)}).`);
  }
  try {
    return unpackModelFile(bytes);
  } catch (e) {
    return asInput(path, e);
  }
}

/** Builds the VAE from the unpacked parts (a backend must be set); the caller disposes it. */
export function buildModel(path: string, parts: Unpacked): { loaded: LoadedModel; restored: RestoredModel } {
  try {
    return loadModelParts(parts);
  } catch (e) {
    return asInput(path, e);
  }
}

export interface ChosenSettings {
  settings: ProjectionSettings;
  /** Where the settings the flags did not override came from, for the log. */
  source: 'the settings saved in the model file' | "the calibration's settings" | 'the app defaults';
}

/** The file's saved settings, else the calibration's, else the defaults; then the command line's. */
export function chooseSettings(restored: RestoredModel, flags: Partial<ProjectionSettings>): ChosenSettings {
  const saved = restored.settings?.projection;
  const at = restored.model.calibration.at;
  const base = saved ?? at ?? DEFAULT_PROJECTION;
  const source = saved ? 'the settings saved in the model file' : at ? "the calibration's settings" : 'the app defaults';
  return { settings: { ...base, ...flags }, source };
}

export function describeSettings(s: ProjectionSettings): string {
  return `alpha ${s.alpha}, lambda ${s.lambda}, ${s.iterations} iterations, ${s.variant}`;
}

/** One line on what the thresholds mean at these settings, or null when they simply apply. */
export function calibrationNote(cal: CalibrationSet, settings: ProjectionSettings): string | null {
  if (!cal.residual && !cal.projection) return 'the model has no calibration: no thresholds and no verdicts.';
  if (!cal.projection) return "the model has no projection calibration: projection verdicts use the residual's pixel threshold.";
  if (!isStale(cal, 'projection', settings)) return null;
  const why = cal.at === null ? 'the projection calibration does not record its settings' : `the calibration was made at ${describeSettings(cal.at)}`;
  return `projection settings ${describeSettings(settings)}, but ${why}: the projection threshold is stale (threshold_stale=true); recalibrate in the app for verdicts at these settings.`;
}
