/** Training calls: train a model on the normal set, recalibrate it at other projection settings. */
import type { FloatImage, InputLayout, ModelDescription, ProjectionSettings, TrainConfig, TrainEnd, TrainProgress, VaeConfig } from '../../engine/types';

export interface TrainArgs {
  /** Channels come from the normal set, so the page does not send them. */
  vae: Omit<VaeConfig, 'channels'>;
  /** How the images meet the model (chosen by the page from the normal images' sizes). */
  input: InputLayout;
  train: TrainConfig;
  /** The projection's threshold is calibrated at these settings on held-out images. */
  projection: ProjectionSettings;
  /** How many images the reconstruction grid shows. */
  gridSize: number;
}

export interface ReconPair {
  input: FloatImage;
  output: FloatImage;
}

export type TrainPhase = 'preparing' | 'training' | 'calibrating';

export type TrainEvent =
  | { kind: 'phase'; phase: TrainPhase }
  | { kind: 'progress'; progress: TrainProgress }
  /** Calibration after training: `done` of `total` passes over held-out images (a fraction while one is tiled). */
  | { kind: 'calibration'; done: number; total: number }
  | { kind: 'epoch'; epoch: number; loss: number; valLoss: number | null }
  /** The training grid's reconstructions, made with the weights of the end of `epoch`. */
  | { kind: 'grid'; epoch: number; grid: ReconPair[] };

export interface EpochRecord {
  epoch: number;
  loss: number;
  valLoss: number | null;
}

export interface TrainResultInfo {
  /** Null when training stopped before its first epoch finished (the previous model stays). */
  model: ModelDescription | null;
  history: EpochRecord[];
  /** Why training ended early when the loss became NaN or infinite (the last good epoch is kept), else null. */
  diverged: string | null;
  /** Why training ended: all epochs, the time budget, early stopping, Stop, or a divergence. */
  endedBy: TrainEnd;
  /** The epoch whose weights the model kept (lowest validation loss), null when none finished. */
  bestEpoch: number | null;
}

export interface TrainingCalls {
  train: { args: TrainArgs; result: TrainResultInfo; event: TrainEvent };
  /**
   * Calibrates the loaded model again at `projection` on held-out normal images (those loaded
   * now); answers with the model's new description. Its events: `done` of `total` passes over
   * held-out images, a fraction while a tiled image's tiles are projected.
   */
  recalibrate: { args: { projection: ProjectionSettings }; result: ModelDescription; event: { done: number; total: number } };
}
