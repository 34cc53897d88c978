/**
 * Model slice: the model's copy in IndexedDB (restored on start, saved after training, forgotten
 * on request) and the model as a file (export, import). The worker does the storing; this slice
 * keeps the page's view of it and the inspection settings that travel with the model.
 */
import type { StateCreator, StoreApi } from 'zustand/vanilla';
import type { ModelDescription } from '../engine/types';
import type { RestoredModel, SaveOutcome, SavedSettings } from '../worker/protocol';
import { toFailure } from './errors';
import { NO_INSPECTION } from './inspection';
import type { AppState, KeepState, StoreDeps, StoredModelState } from './types';

type ModelSlice = Pick<KeepState, 'stored' | 'modelFile' | 'restoreModel' | 'forgetModel' | 'exportModel' | 'importModel' | 'recalibration' | 'recalibrate'>;

/** Wait after the last slider move before writing the inspection settings. */
const SETTINGS_SAVE_MS = 500;

export function savedSettings(s: Pick<AppState, 'settings' | 'view'>): SavedSettings {
  return { projection: { ...s.settings.projection }, thresholds: { ...s.view.thresholds } };
}

function storedFrom(outcome: SaveOutcome): StoredModelState {
  return outcome.kind === 'saved' ? { kind: 'saved' } : { kind: 'failed', quota: outcome.quota, message: outcome.message };
}

/** Saves after training and writes the inspection settings when they change (debounced). */
function watch(api: StoreApi<AppState>, deps: StoreDeps, known: WeakSet<ModelDescription>): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  api.subscribe((s, prev) => {
    if (s.backend.kind === 'ready' && prev.backend.kind !== 'ready' && s.stored.kind === 'none') void s.restoreModel();
    if (s.model && s.model !== prev.model && !known.has(s.model)) {
      // A model this slice did not load came from training or a recalibration: keep it.
      known.add(s.model);
      api.setState({ stored: { kind: 'saving' } });
      deps.client.call('saveModel', { settings: savedSettings(s) }).result.then(
        (o) => api.setState({ stored: storedFrom(o) }),
        (e: unknown) => api.setState({ stored: { kind: 'failed', quota: false, message: toFailure(e, 'Saving')?.message ?? 'cancelled' } }),
      );
    }
    const changed = s.settings.projection !== prev.settings.projection || s.view.thresholds !== prev.view.thresholds;
    if (changed && s.model && s.stored.kind === 'saved') {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        deps.client.call('saveSettings', { settings: savedSettings(api.getState()) }).result.then(
          (o) => {
            if (o.kind === 'failed') api.setState({ stored: storedFrom(o) });
          },
          (e: unknown) => api.setState({ failure: toFailure(e, 'Saving the settings') }),
        );
      }, SETTINGS_SAVE_MS);
    }
  });
}

export const createModelSlice =
  (deps: StoreDeps): StateCreator<AppState, [], [], ModelSlice> =>
  (set, get, api) => {
    const { client } = deps;
    const known = new WeakSet<ModelDescription>();
    watch(api, deps, known);

    function adopt(r: RestoredModel): void {
      known.add(r.model);
      const s = get();
      const settings = r.settings ? { ...s.settings, projection: { ...s.settings.projection, ...r.settings.projection } } : s.settings;
      const view = r.settings ? { ...s.view, thresholds: { ...r.settings.thresholds } } : s.view;
      set({ model: r.model, settings, view, scores: {}, rows: {}, evaluation: null, ...NO_INSPECTION });
    }

    return {
      stored: { kind: 'none' },
      modelFile: { kind: 'idle' },
      recalibration: { kind: 'idle' },

      async recalibrate() {
        const s = get();
        if (!s.model || s.training.kind === 'running' || s.recalibration.kind === 'running') return;
        get().cancelInspection();
        get().cancelBatch();
        set({ recalibration: { kind: 'running', done: 0, total: 0 } });
        const job = client.call('recalibrate', { projection: s.settings.projection }, {
          onEvent: (p) => set({ recalibration: { kind: 'running', ...p } }),
        });
        try {
          const model = await job.result;
          set({ model, recalibration: { kind: 'idle' }, scores: {}, rows: {}, evaluation: null });
          get().scoreMissing();
          void get().inspectSelected();
        } catch (e) {
          const failure = toFailure(e, 'Recalibrating');
          set({ recalibration: failure ? { kind: 'failed', message: failure.message } : { kind: 'idle' } });
        }
      },

      async restoreModel() {
        set({ stored: { kind: 'checking' } });
        try {
          const r = await client.call('restoreModel', {}).result;
          if (r.kind === 'none') set({ stored: { kind: 'none' } });
          else if (r.kind === 'dropped') set({ stored: { kind: 'failed', quota: false, message: r.message } });
          else if (get().model === null && get().training.kind !== 'running') {
            adopt(r.restored);
            set({ stored: { kind: 'saved' } });
            get().scoreMissing();
          }
        } catch (e) {
          set({ stored: { kind: 'failed', quota: false, message: toFailure(e, 'Loading the kept model')?.message ?? 'cancelled' } });
        }
      },

      async forgetModel() {
        get().cancelInspection();
        get().cancelBatch();
        try {
          await client.call('forgetModel', {}).result;
          set({ model: null, stored: { kind: 'none' }, scores: {}, rows: {}, evaluation: null, batch: { kind: 'idle' }, ...NO_INSPECTION });
        } catch (e) {
          set({ failure: toFailure(e, 'Forgetting the model') });
        }
      },

      async exportModel() {
        const model = get().model;
        if (!model) return null;
        set({ modelFile: { kind: 'exporting' } });
        try {
          return await client.call('exportModel', { settings: savedSettings(get()) }).result;
        } catch (e) {
          set({ failure: toFailure(e, 'Exporting the model') });
          return null;
        } finally {
          set({ modelFile: { kind: 'idle' } });
        }
      },

      async importModel(blob) {
        if (get().training.kind === 'running') return;
        get().cancelInspection();
        get().cancelBatch();
        set({ modelFile: { kind: 'importing' }, failure: null });
        try {
          const { restored, saved } = await client.call('importModel', { blob, settings: savedSettings(get()) }).result;
          adopt(restored);
          set({ modelFile: { kind: 'idle' }, stored: storedFrom(saved) });
          get().scoreMissing();
        } catch (e) {
          const failure = toFailure(e, 'Loading the model file');
          set({ modelFile: failure ? { kind: 'refused', message: failure.message } : { kind: 'idle' }, failure });
        }
      },
    };
  };
