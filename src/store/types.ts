/** The store's shared shapes. Engine and worker types come in as types only: no tf here. */
import type { BackendChoice } from '../engine/backend';
import type { ModelDescription, ProjectionSettings, TrainEnd, TrainProgress } from '../engine/types';
import type { MlClientLike } from '../worker/client';
import type { BatchRow, EvaluationResult, ImageInfo, ImageScores, InspectFrame, InspectResidual, InspectResult, LiveResult, ModelFile, ReconPair, Rejection, RgbaImage, TrainPhase } from '../worker/protocol';
import type { Settings } from './defaults';
import type { Failure } from './errors';

export type ColormapChoice = 'inferno' | 'turbo' | 'viridis' | 'gray';
export type ViewMethod = 'projection' | 'residual' | 'both';
export type SortOrder = 'score-desc' | 'score-asc' | 'name';

export type { Failure };

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
  | { kind: 'running'; phase: TrainPhase; epoch: number; epochs: number; stopping: boolean; calibration?: { done: number; total: number } }
  | { kind: 'finished'; stopped: boolean; epochsDone: number; endedBy: TrainEnd; bestEpoch: number | null }
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
  /** tiles: patch mode's tiles (InspectTiles): all together (live), or chunk by chunk with the tiles done so far. */
  | { kind: 'running'; testId: string; iterations: number; tiles?: { live: boolean; done: number; total: number } }
  | { kind: 'done'; result: InspectResult }
  | { kind: 'failed'; testId: string; message: string };

export interface ViewOptions {
  method: ViewMethod;
  opacity: number;
  colormap: ColormapChoice;
  /** Pixel threshold of the contour per method, in map units; absent = the calibrated one. */
  thresholds: Partial<Record<'residual' | 'projection', number>>;
  sort: SortOrder;
  /** The normal-images area folded to a narrow bar (after training, so the viewer gets the room). */
  datasetFolded: boolean;
}

export type CameraState = { kind: 'off' } | { kind: 'starting' } | { kind: 'live'; label: string; frames: number; fps: number } | { kind: 'failed'; message: string };

export interface CameraSlice {
  camera: CameraState;
  /** The latest inspected camera frame. */
  live: LiveResult | null;
  setCamera(camera: CameraState): void;
  /** Inspects one frame (false when the camera is off, there is no model, or it failed). */
  inspectLiveFrame(frame: RgbaImage): Promise<boolean>;
}

export interface AppState extends KeepState, NoticeState, CameraSlice {
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
  /**
   * Where the model and training settings come from: the defaults, the demo (Try the demo sets
   * its own until the person adds images of their own), or the person (changed in the page or
   * given in the URL: kept as they are).
   */
  settingsFrom: SettingsSource;
  training: TrainingState;
  model: ModelDescription | null;
  history: EpochPoint[];
  steps: StepPoint[];
  progress: TrainProgress | null;
  grid: ReconPair[];
  /** The epoch whose weights made the grid's reconstructions. */
  gridEpoch: number | null;
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
  setProjection(patch: Partial<ProjectionSettings>): void;
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

/** The model's copy in IndexedDB. */
export type StoredModelState =
  | { kind: 'none' }
  | { kind: 'checking' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; quota: boolean; message: string };

export type RecalibrationState = { kind: 'idle' } | { kind: 'running'; done: number; total: number } | { kind: 'failed'; message: string };

export type ModelFileState = { kind: 'idle' } | { kind: 'exporting' } | { kind: 'importing' } | { kind: 'refused'; message: string };

export type BatchState = { kind: 'idle' } | { kind: 'running'; done: number; total: number } | { kind: 'done'; stopped: boolean } | { kind: 'failed'; message: string };

export type ResultsSortKey = 'name' | 'residual' | 'projection' | 'verdict';
export interface ResultsSort {
  key: ResultsSortKey;
  dir: 'asc' | 'desc';
}

export interface KeepState {
  stored: StoredModelState;
  modelFile: ModelFileState;
  /** Loads the model kept in IndexedDB, if any (once the backend is up). */
  restoreModel(): Promise<void>;
  forgetModel(): Promise<void>;
  /** The model as one zip file, or null when there is none or the export failed (failure set). */
  exportModel(): Promise<ModelFile | null>;
  /** Loads a model file; a refused file leaves the current model in place. */
  importModel(file: Blob): Promise<void>;
  /** Calibrating the projection's threshold again at the current projection settings. */
  recalibration: RecalibrationState;
  recalibrate(): Promise<void>;
  // batch inspection and evaluation
  batch: BatchState;
  /** Scores and ground truth of the last batch, per test image. */
  rows: Record<string, BatchRow>;
  evaluation: EvaluationResult | null;
  resultsSort: ResultsSort;
  /** Test files with masks paired by name (<name>_mask.png, MVTec ground_truth/). */
  addTestFiles(files: { name: string; blob: Blob }[]): Promise<void>;
  runBatch(): Promise<void>;
  cancelBatch(): void;
  setResultsSort(sort: ResultsSort): void;
}

export type SettingsSource = 'defaults' | 'demo' | 'chosen';

export interface Notice {
  /**
   * 'file-notes': how some accepted files were read (e.g. one page of a multi-page TIFF);
   * 'demo-settings': the demo set the settings suited to its images, or gave them back.
   */
  kind: 'backend-lost' | 'backend-restarted' | 'training-diverged' | 'file-notes' | 'demo-settings';
  text: string;
}

export interface NoticeState {
  notice: Notice | null;
  dismissNotice(): void;
  /** Listens (once per backend) for a lost backend; called when a backend is ready. */
  watchBackend(): void;
}

export interface StoreDeps {
  client: MlClientLike;
  /** URLs of the wasm binaries for the WASM backend (from the bundler). */
  wasmPaths: Record<string, string> | null;
  /** Threads for the WASM backend (1 unless the page is cross-origin isolated). */
  wasmThreads: number;
  /** Ask the worker for the end-to-end tests' calls (?test=1, in builds that have them). */
  testHooks: boolean;
}
