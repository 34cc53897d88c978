/** State and actions of the keep/share/evaluate slices (model.ts, results.ts); AppState extends this. */
import type { BatchRow, EvaluationResult, ModelFile } from '../worker/keepProtocol';

/** The model's copy in IndexedDB. */
export type StoredModelState =
  | { kind: 'none' }
  | { kind: 'checking' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; quota: boolean; message: string };

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
