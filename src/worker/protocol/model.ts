/** Model calls: the model slot's copy in IndexedDB and the model as a file. */
import type { AnomalyMethod, ModelDescription, ProjectionSettings } from '../../engine/types';

/** Page settings saved with the model: the inspection settings and thresholds. */
export interface SavedSettings {
  projection: ProjectionSettings;
  thresholds: Partial<Record<AnomalyMethod, number>>;
}

export type SaveOutcome = { kind: 'saved'; bytes: number } | { kind: 'failed'; quota: boolean; message: string };

export interface RestoredModel {
  model: ModelDescription;
  settings: SavedSettings | null;
}

/** What restoring found: nothing, a model, or a stored record that could not be used (it is dropped). */
export type RestoreOutcome = { kind: 'none' } | { kind: 'restored'; restored: RestoredModel } | { kind: 'dropped'; message: string };

export interface ModelFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface ModelCalls {
  restoreModel: { args: Record<string, never>; result: RestoreOutcome; event: never };
  /** Keeps the loaded model (as the worker holds it) with these settings. */
  saveModel: { args: { settings: SavedSettings }; result: SaveOutcome; event: never };
  saveSettings: { args: { settings: SavedSettings }; result: SaveOutcome; event: never };
  forgetModel: { args: Record<string, never>; result: null; event: never };
  exportModel: { args: { settings: SavedSettings }; result: ModelFile; event: never };
  importModel: { args: { blob: Blob; settings: SavedSettings }; result: { restored: RestoredModel; saved: SaveOutcome }; event: never };
}
