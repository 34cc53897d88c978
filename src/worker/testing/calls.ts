/** Calls for the end-to-end tests (types): answered only when the worker was started with test hooks. */
import type { SimdCheck } from '../../engine/kernels/self-check';
import type { AnomalyMethod, Mask, ProjectionSettings } from '../../engine/types';

export interface FieldData {
  width: number;
  height: number;
  data: number[];
}

/** The maps, masks and labels the last batch's metrics were computed from. */
export interface EvaluationData {
  testIds: string[];
  width: number;
  height: number;
  maps: Record<AnomalyMethod, number[][]>;
  /** The maps the scores are the max of (the finer score maps; the maps themselves where a result has none). */
  scoreMaps: Record<AnomalyMethod, number[][]>;
  scores: Record<AnomalyMethod, number[]>;
  masks: number[][];
  labels: number[];
}

export type DebugArgs =
  | { kind: 'stats' }
  | { kind: 'loseDevice' }
  | { kind: 'simdCheck' }
  | { kind: 'projectMany'; testId: string; n: number; settings: ProjectionSettings };

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
  /** simdCheck: the SIMD kernels (engine/kernels) against tfjs's route, on the helper threads where there are some. */
  simd?: SimdCheck;
}

export interface TestingCalls {
  numTensors: { args: Record<string, never>; result: number; event: never };
  /** The tensors the model's projections keep (engine/model/kept-weights.ts); 0 with no model. */
  keptTensors: { args: Record<string, never>; result: number; event: never };
  lastMap: { args: { method: AnomalyMethod }; result: FieldData | null; event: never };
  mask: { args: { testId: string }; result: Mask | null; event: never };
  evaluationData: { args: Record<string, never>; result: EvaluationData | null; event: never };
  debug: { args: DebugArgs; result: DebugResult; event: never };
}
