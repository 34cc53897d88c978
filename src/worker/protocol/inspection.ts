/** Inspection calls: one image live (frames), many images' scores, a batch with its metrics. */
import type { AnomalyMethod, AnomalyResult, FloatImage, ProjectionSettings } from '../../engine/types';
import type { RgbaImage } from './dataset';

export interface InspectArgs {
  testId: string;
  settings: ProjectionSettings;
  /** Send x_t every `every` iterations. */
  every: number;
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
  /** The map the score is taken on (AnomalyResult.scoreMap), where the model has a score scale. */
  scoreMap?: Float32Array;
}

/**
 * Patch mode: the image's tiles. Live: all projected together, frames follow (sent once, done
 * 0). Otherwise a very large image goes chunk by chunk without frames: the tiles done so far.
 */
export interface InspectTiles {
  kind: 'tiles';
  live: boolean;
  done: number;
  total: number;
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

export interface BatchArgs {
  testIds: string[];
  settings: ProjectionSettings;
}

/** One image's scores, sent as a batch goes. */
export interface ImageScores {
  testId: string;
  residual: number;
  projection: number;
}

export interface BatchRow extends ImageScores {
  /** 1 anomalous, 0 normal, null when no ground truth is known for the batch. */
  label: number | null;
}

export interface RocPoints {
  fpr: number[];
  tpr: number[];
}

export interface MethodMetrics {
  pixelAuroc: number;
  /** Area under the per-region overlap curve up to FPR 0.3, over 0.3 (MVTec AD); NaN without a defect region. */
  aupro: number;
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

/** A camera frame: square RGBA (the page crops the centre), scaled to the model's size in the worker. */
export interface LiveArgs {
  frame: RgbaImage;
  settings: ProjectionSettings;
}

export interface LiveResult {
  x0: FloatImage;
  residual: AnomalyResult;
  projection: AnomalyResult;
}

export interface InspectionCalls {
  /** One live camera frame through the scoring pipeline (no events: the next frame waits for it). */
  inspectLive: { args: LiveArgs; result: LiveResult; event: never };
  inspect: { args: InspectArgs; result: InspectResult; event: InspectResidual | InspectFrame | InspectTiles };
  score: { args: BatchArgs; result: { stopped: boolean }; event: ImageScores };
  evaluate: { args: BatchArgs; result: EvaluationResult; event: BatchRow };
}
