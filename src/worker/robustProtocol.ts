/** Protocol types of the robustness calls (issue 5): backend loss and the test hook's calls. */
import type { BackendChoice } from '../engine/backend';
import type { ProjectionSettings } from '../engine/types';

export interface BackendLoss {
  /** 'lost': the WebGPU device is gone, the next backend is used; 'restarted': a broken backend started afresh. */
  how: 'lost' | 'restarted';
  /** What the browser said about the loss. */
  message: string;
  /** The backend now in use; null when none could start. */
  choice: BackendChoice | null;
  /** The trained model was rebuilt on the new backend (true too when there was none). */
  modelKept: boolean;
}

export type DebugArgs =
  | { kind: 'stats' }
  | { kind: 'loseDevice' }
  | { kind: 'failNext'; what: 'out-of-memory' }
  | { kind: 'projectMany'; testId: string; n: number; settings: ProjectionSettings; smoothSigma: number };

export interface DebugStats {
  numTensors: number;
  numBytes: number;
  projectionsStarted: number;
  maxConcurrentProjections: number;
  /** The last projection that finished: its iteration count and whether it was cancelled. */
  lastProjection: { iterations: number; stopped: boolean } | null;
}

export interface DebugResult {
  stats: DebugStats;
  /** projectMany: the figures after its first (warm-up) run. */
  before?: DebugStats;
  done?: boolean;
}

/** Fewer normal images than this: training forces augmentation on (flips and 90° turns). */
export const FEW_IMAGES = 5;
