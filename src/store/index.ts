/** The app's one store, built from typed slices; the worker client is injected (tests pass a fake). */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toFailure } from './errors';
import { createDatasetSlice } from './dataset';
import { DEFAULT_SETTINGS, type Settings } from './defaults';
import { createInspectionSlice } from './inspection';
import { createTrainingSlice } from './training';
import { createModelSlice } from './model';
import { createResultsSlice } from './results';
import { createNoticeSlice } from './notices';
import { createCameraSlice } from './camera';
import type { AppState, StoreDeps } from './types';

export type AppStore = StoreApi<AppState>;

export function createAppStore(deps: StoreDeps, settings: Settings = DEFAULT_SETTINGS, settingsChosen = false): AppStore {
  return createStore<AppState>()((...a) => {
    const [set, get] = a;
    return {
      ...createDatasetSlice(deps)(...a),
      ...createTrainingSlice(deps, settings, settingsChosen)(...a),
      ...createInspectionSlice(deps)(...a),
      ...createModelSlice(deps)(...a),
      ...createResultsSlice(deps)(...a),
      ...createNoticeSlice(deps)(...a),
      ...createCameraSlice(deps)(...a),
      backend: { kind: 'starting' },
      failure: null,

      async initBackend(override) {
        set({ backend: { kind: 'starting' } });
        try {
          const choice = await deps.client.call('init', { backend: override, wasmPaths: deps.wasmPaths, wasmThreads: deps.wasmThreads, testHooks: deps.testHooks }).result;
          set({ backend: { kind: 'ready', choice } });
          get().watchBackend();
        } catch (e) {
          set({ backend: { kind: 'failed', message: toFailure(e, 'Starting')?.message ?? 'cancelled' } });
        }
      },

      dismissFailure() {
        set({ failure: null });
      },
    };
  });
}

export { selectStatus, type Status, type StatusState } from './status';
export type * from './types';
