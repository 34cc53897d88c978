/**
 * Protocol types of the keep/share/evaluate calls (persistence, model files, batch evaluation),
 * kept beside protocol.ts so that file stays small; protocol.ts lists the calls.
 */
import type { AnomalyMethod, ProjectionSettings } from '../engine/types';
import type { ModelInfo, Rejection } from './protocol';

/** Page settings saved with the model: the inspection settings and thresholds. */
export interface SavedSettings {
  projection: { alpha: number; lambda: number; iterations: number };
  thresholds: Partial<Record<AnomalyMethod, number>>;
}

export type SaveOutcome = { kind: 'saved'; bytes: number } | { kind: 'failed'; quota: boolean; message: string };

export interface RestoredModel {
  model: ModelInfo;
  settings: SavedSettings | null;
}

/** What restoring found: nothing, a model, or a stored record that could not be used (it is dropped). */
export type RestoreOutcome = { kind: 'none' } | { kind: 'restored'; restored: RestoredModel } | { kind: 'dropped'; message: string };

export interface ModelFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface MaskFile {
  testId: string;
  name: string;
  blob: Blob;
}

export interface AttachMasksResult {
  attached: string[];
  rejected: Rejection[];
}

export interface EvaluateArgs {
  testIds: string[];
  settings: ProjectionSettings;
  smoothSigma: number;
}

/** One image's scores, sent as the batch goes. */
export interface BatchRow {
  testId: string;
  residual: number;
  projection: number;
  /** 1 anomalous, 0 normal, null when no ground truth is known for the batch. */
  label: number | null;
}

export interface RocPoints {
  fpr: number[];
  tpr: number[];
}

export interface MethodMetrics {
  pixelAuroc: number;
  imageAuroc: number;
  pixelF1Max: number;
  imageF1Max: number;
  pixelRoc: RocPoints;
  imageRoc: RocPoints;
}

export interface EvaluationResult {
  stopped: boolean;
  /** Images the metrics were computed on (those with ground truth); 0 = no metrics. */
  labelled: number;
  metrics: Partial<Record<AnomalyMethod, MethodMetrics>>;
}

/** The maps, masks and labels the metrics were computed from (for the test hook). */
export interface EvaluationData {
  testIds: string[];
  width: number;
  height: number;
  maps: Record<AnomalyMethod, number[][]>;
  scores: Record<AnomalyMethod, number[]>;
  masks: number[][];
  labels: number[];
}
