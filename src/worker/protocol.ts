/**
 * The one typed interface between the page and the ML worker, imported as a type on both
 * sides. Every call is a job with an id: it answers once (result or error) and may send
 * events before that (progress, frames). A 'cancel' message sets the job's stop flag, which
 * the worker checks between steps. Only plain data crosses: typed arrays, transferred.
 */
import type { BackendChoice } from '../engine/backend';
import type { EngineErrorCode } from '../engine/errors';
import type {
  AnomalyMethod,
  AnomalyResult,
  Calibration,
  Channels,
  FloatImage,
  Mask,
  ProjectionSettings,
  TrainConfig,
  TrainProgress,
  VaeConfig,
} from '../engine/types';
import type {
  AttachMasksResult,
  BatchRow,
  EvaluateArgs,
  EvaluationData,
  EvaluationResult,
  MaskFile,
  ModelFile,
  RestoredModel,
  RestoreOutcome,
  SaveOutcome,
  SavedSettings,
} from './keepProtocol';
import type { BackendLoss, DebugArgs, DebugResult } from './robustProtocol';

export type ImageSet = 'normal' | 'test';

/** 8-bit RGBA (the layout of ImageData), for thumbnails. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A file handed to the worker to decode. */
export interface FileEntry {
  id: string;
  name: string;
  blob: Blob;
}

/** What the page keeps of a decoded image; the pixels stay in the worker. */
export interface ImageInfo {
  id: string;
  name: string;
  /** Size of the original (before any cap). */
  width: number;
  height: number;
  channels: Channels;
  thumb: RgbaImage;
  /** Demo images: the defect kind ('good' = none). */
  kind?: string;
  hasMask: boolean;
}

export interface Rejection {
  name: string;
  reason: string;
}

export interface AddImagesResult {
  accepted: ImageInfo[];
  rejected: Rejection[];
}

export interface DemoArgs {
  size: number;
  normal: number;
  test: number;
  seed: number;
}

export interface TrainArgs {
  /** Channels come from the normal set, so the page does not send them. */
  vae: Omit<VaeConfig, 'channels'>;
  train: TrainConfig;
  /** Used to calibrate the projection's threshold on held-out images after training. */
  projection: ProjectionSettings;
  smoothSigma: number;
  /** How many images the reconstruction grid shows. */
  gridSize: number;
}

export interface ReconPair {
  input: FloatImage;
  output: FloatImage;
}

export type TrainEvent =
  | { kind: 'phase'; phase: 'preparing' | 'training' | 'calibrating' }
  | { kind: 'progress'; progress: TrainProgress }
  | { kind: 'epoch'; epoch: number; loss: number; valLoss: number | null; grid: ReconPair[] };

export type CalibrationSet = Partial<Record<AnomalyMethod, Calibration>>;

/** The model as the page describes it. */
export interface ModelInfo {
  config: VaeConfig;
  trainedAt: string;
  epochsDone: number;
  stopped: boolean;
  finalLoss: number | null;
  calibration: CalibrationSet;
  /** Projection settings the projection's calibration was made with. */
  calibratedWith: ProjectionSettings | null;
}

export interface TrainResultInfo {
  /** Null when training stopped before its first epoch finished (the previous model stays). */
  model: ModelInfo | null;
  history: { epoch: number; loss: number; valLoss: number | null }[];
}

export interface InspectArgs {
  testId: string;
  settings: ProjectionSettings;
  /** Send x_t every `every` iterations. */
  every: number;
  smoothSigma: number;
}

/** Sent first: the plain reconstruction and its residual map, before the projection runs. */
export interface InspectResidual {
  kind: 'residual';
  recon: FloatImage;
  residual: AnomalyResult;
}

export interface InspectFrame {
  kind: 'frame';
  iteration: number;
  iterations: number;
  energy: number;
  /** x_t and its map |x0 - x_t|, on frames that carry an image. */
  image?: FloatImage;
  map?: Float32Array;
}

export interface InspectResult {
  testId: string;
  x0: FloatImage;
  recon: FloatImage;
  projected: FloatImage;
  residual: AnomalyResult;
  projection: AnomalyResult;
  energies: number[];
  stopped: boolean;
}

export interface ScoreArgs {
  testIds: string[];
  settings: ProjectionSettings;
  smoothSigma: number;
}

export interface ImageScores {
  testId: string;
  residual: number;
  projection: number;
}

export interface FieldData {
  width: number;
  height: number;
  data: number[];
}

/** Every call: its arguments, its result and the events it may send before the result. */
export interface Calls {
  /** wasmPaths: URLs of the tfjs wasm binaries as the bundler emitted them. */
  init: { args: { backend: string | null; wasmPaths: Record<string, string> | null }; result: BackendChoice; event: never };
  addImages: { args: { set: ImageSet; files: FileEntry[] }; result: AddImagesResult; event: { done: number; total: number } };
  demo: { args: DemoArgs; result: { normal: ImageInfo[]; test: ImageInfo[] }; event: never };
  removeImages: { args: { set: ImageSet; ids: string[] | 'all' }; result: { remaining: number }; event: never };
  /** The working-size test image (demo images have no file to show at full size). */
  testImage: { args: { testId: string; size: number }; result: FloatImage; event: never };
  train: { args: TrainArgs; result: TrainResultInfo; event: TrainEvent };
  inspect: { args: InspectArgs; result: InspectResult; event: InspectResidual | InspectFrame };
  score: { args: ScoreArgs; result: { stopped: boolean }; event: ImageScores };
  numTensors: { args: Record<string, never>; result: number; event: never };
  lastMap: { args: { method: AnomalyMethod }; result: FieldData | null; event: never };
  mask: { args: { testId: string }; result: Mask | null; event: never };
  // Keep, share and evaluate (issue 4); their types live in keepProtocol.ts.
  restoreModel: { args: Record<string, never>; result: RestoreOutcome; event: never };
  saveModel: { args: { model: ModelInfo; settings: SavedSettings }; result: SaveOutcome; event: never };
  saveSettings: { args: { settings: SavedSettings }; result: SaveOutcome; event: never };
  forgetModel: { args: Record<string, never>; result: null; event: never };
  exportModel: { args: { model: ModelInfo; settings: SavedSettings }; result: ModelFile; event: never };
  importModel: { args: { blob: Blob; settings: SavedSettings }; result: { restored: RestoredModel; saved: SaveOutcome }; event: never };
  attachMasks: { args: { masks: MaskFile[] }; result: AttachMasksResult; event: never };
  evaluate: { args: EvaluateArgs; result: EvaluationResult; event: BatchRow };
  evaluationData: { args: Record<string, never>; result: EvaluationData | null; event: never };
  // Robustness (issue 5); their types live in robustProtocol.ts.
  /** Answers when the backend is lost (WebGPU device lost) and the worker moved to another one. */
  watchBackend: { args: Record<string, never>; result: BackendLoss; event: never };
  /** Test hook calls (?test=1 only): memory figures, forced failures, long use. */
  debug: { args: DebugArgs; result: DebugResult; event: never };
}

export type CallName = keyof Calls;
export type CallArgs<K extends CallName> = Calls[K]['args'];
export type CallResult<K extends CallName> = Calls[K]['result'];
export type CallEvent<K extends CallName> = Calls[K]['event'];

export type Request =
  | { [K in CallName]: { kind: 'call'; id: number; call: K; args: CallArgs<K> } }[CallName]
  | { kind: 'cancel'; id: number };

export interface WireError {
  code: EngineErrorCode | 'worker-crashed' | 'unknown';
  message: string;
}

export type Response =
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'event'; id: number; event: unknown }
  | { kind: 'error'; id: number; error: WireError };
