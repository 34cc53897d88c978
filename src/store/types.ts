/** The store's shared shapes. Engine and worker types come in as types only: no tf here. */
import type { BackendChoice } from '../engine/backend';
import type { TrainProgress } from '../engine/types';
import type { MlClientLike } from '../worker/client';
import type { ImageInfo, ImageScores, InspectFrame, InspectResidual, InspectResult, ModelInfo, ReconPair, Rejection } from '../worker/protocol';
import type { ProjectionControls, Settings } from './defaults';
import type { KeepState } from './keepTypes';
import type { RobustState } from './robust';

export type ColormapChoice = 'inferno' | 'turbo' | 'viridis' | 'gray';
export type ViewMethod = 'projection' | 'residual' | 'both';
export type SortOrder = 'score-desc' | 'score-asc' | 'name';

export interface Failure {
  code: string;
  message: string;
  /** What was being done, e.g. 'Training'. */
  during: string;
}

export type BackendState = { kind: 'starting' } | { kind: 'ready'; choice: BackendChoice } | { kind: 'failed'; message: string };

export interface TestItem extends ImageInfo {
  /** The dropped file, to show a large image at its own resolution; demo images have none. */
  blob?: Blob;
}

export interface LoadingState {
  what: string;
  done: number;
  total: number;
}

export type TrainingState =
  | { kind: 'idle' }
  | { kind: 'running'; phase: 'preparing' | 'training' | 'calibrating'; epoch: number; epochs: number; stopping: boolean }
  | { kind: 'finished'; stopped: boolean; epochsDone: number }
  | { kind: 'failed'; message: string };

export interface EpochPoint {
  epoch: number;
  loss: number;
  valLoss: number | null;
}

export interface StepPoint {
  /** Fractional epoch (epoch - 1 + step / stepsPerEpoch). */
  x: number;
  loss: number;
}

export type InspectionState =
  | { kind: 'none' }
  | { kind: 'running'; testId: string; iterations: number }
  | { kind: 'done'; result: InspectResult }
  | { kind: 'failed'; testId: string; message: string };

export interface ViewOptions {
  method: ViewMethod;
  opacity: number;
  colormap: ColormapChoice;
  /** Pixel threshold of the contour per method, in map units; absent = the calibrated one. */
  thresholds: Partial<Record<'residual' | 'projection', number>>;
  sort: SortOrder;
}

export interface AppState extends KeepState, RobustState {
  // backend
  backend: BackendState;
  initBackend(override: string | null): Promise<void>;
  // dataset
  normal: ImageInfo[];
  test: TestItem[];
  /** Files refused in the last drop, and which set that drop was for. */
  rejected: { set: 'normal' | 'test'; files: Rejection[] } | null;
  loading: LoadingState | null;
  addFiles(set: 'normal' | 'test', files: { name: string; blob: Blob }[]): Promise<void>;
  loadDemo(): Promise<void>;
  removeImage(set: 'normal' | 'test', id: string): Promise<void>;
  clearSet(set: 'normal' | 'test'): Promise<void>;
  dismissRejected(): void;
  // training
  settings: Settings;
  training: TrainingState;
  model: ModelInfo | null;
  history: EpochPoint[];
  steps: StepPoint[];
  progress: TrainProgress | null;
  grid: ReconPair[];
  setSettings(patch: { model?: Partial<Settings['model']>; train?: Partial<Settings['train']> }): void;
  train(): Promise<void>;
  stopTraining(): void;
  // inspection
  selectedId: string | null;
  view: ViewOptions;
  inspection: InspectionState;
  /** The latest projection frame of the running inspection (read by subscription, not re-render). */
  frame: InspectFrame | null;
  /** The plain residual of the running inspection, sent before the projection starts. */
  early: InspectResidual | null;
  energies: { iteration: number; energy: number }[];
  scores: Record<string, ImageScores>;
  /** Background scoring of the test list, null when idle. */
  scoring: { done: number; total: number } | null;
  select(id: string | null): void;
  setProjection(patch: Partial<ProjectionControls>): void;
  setView(patch: Partial<ViewOptions>): void;
  inspectSelected(): Promise<void>;
  /** Scores the test images that have no score yet (in the background). */
  scoreMissing(): void;
  /** Stops the running inspection and scoring (training needs the GPU). */
  cancelInspection(): void;
  // errors
  failure: Failure | null;
  dismissFailure(): void;
}

export interface StoreDeps {
  client: MlClientLike;
  /** URLs of the wasm binaries for the WASM backend (from the bundler). */
  wasmPaths: Record<string, string> | null;
}
