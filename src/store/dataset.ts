/** Dataset slice: the normal set and the test list as the page sees them (pixels live in the worker). */
import type { StateCreator } from 'zustand/vanilla';
import { DEMO, DEMO_SETTINGS_BACK_NOTE, DEMO_SETTINGS_NOTE, withDemoSettings, withoutDemoSettings } from './defaults';
import { toFailure } from './errors';
import { NO_INSPECTION } from './inspection';
import type { ImageInfo } from '../worker/protocol';
import type { AppState, StoreDeps, TestItem } from './types';

type DatasetSlice = Pick<AppState, 'normal' | 'test' | 'rejected' | 'loading' | 'addFiles' | 'loadDemo' | 'removeImage' | 'clearSet' | 'dismissRejected'>;

let nextFileId = 1;

/** One sentence for the notes on accepted files, naming a few of them. */
export function fileNotesText(accepted: ImageInfo[]): string | null {
  const noted = accepted.filter((a) => a.note !== undefined);
  if (noted.length === 0) return null;
  const shown = noted.slice(0, 3).map((a) => `${a.name}: ${a.note}`);
  const more = noted.length > 3 ? ` (and ${noted.length - 3} more files like these)` : '';
  return `${shown.join('; ')}${more}.`;
}

export const createDatasetSlice =
  ({ client }: StoreDeps): StateCreator<AppState, [], [], DatasetSlice> =>
  (set, get) => ({
    normal: [],
    test: [],
    rejected: null,
    loading: null,

    async addFiles(which, files) {
      if (files.length === 0) return;
      const entries = files.map((f) => ({ id: `f${nextFileId++}`, name: f.name, blob: f.blob }));
      const what = which === 'normal' ? 'Reading normal images' : 'Reading test images';
      set({ loading: { what, done: 0, total: entries.length }, failure: null });
      try {
        const job = client.call('addImages', { set: which, files: entries }, { onEvent: (e) => set({ loading: { what, done: e.done, total: e.total } }) });
        const { accepted, rejected } = await job.result;
        set({ rejected: rejected.length > 0 ? { set: which, files: rejected } : null });
        const notes = fileNotesText(accepted);
        if (notes !== null) set({ notice: { kind: 'file-notes', text: notes } });
        if (which === 'normal') {
          set({ normal: [...get().normal, ...accepted] });
          // The demo's settings were for its tiles: a person's own images start from the defaults.
          if (accepted.length > 0 && get().settingsFrom === 'demo') {
            set({ settings: withoutDemoSettings(get().settings), settingsFrom: 'defaults', notice: { kind: 'demo-settings', text: DEMO_SETTINGS_BACK_NOTE } });
          }
        }
        else {
          const blobs = new Map(entries.map((e) => [e.id, e.blob]));
          const added: TestItem[] = accepted.map((a) => ({ ...a, blob: blobs.get(a.id) }));
          set({ test: [...get().test, ...added] });
          // The main use: upload a test image and see its overlay, without a click more.
          const first = added[0];
          if (get().selectedId === null && first) get().select(first.id);
          else get().scoreMissing();
        }
      } catch (e) {
        set({ failure: toFailure(e, what) });
      } finally {
        set({ loading: null });
      }
    },

    async loadDemo() {
      const size = get().settings.model.size;
      set({ loading: { what: 'Generating the demo textures', done: 0, total: DEMO.normal + DEMO.test }, failure: null });
      try {
        const r = await client.call('demo', { size, normal: DEMO.normal, test: DEMO.test, seed: DEMO.seed }).result;
        get().cancelInspection();
        set({ normal: r.normal, test: r.test, rejected: null, selectedId: null, scores: {}, ...NO_INSPECTION });
        // Not through setSettings: these are the demo's, not the person's choice.
        if (get().settingsFrom !== 'chosen') set({ settings: withDemoSettings(get().settings), settingsFrom: 'demo', notice: { kind: 'demo-settings', text: DEMO_SETTINGS_NOTE } });
        get().scoreMissing();
      } catch (e) {
        set({ failure: toFailure(e, 'Loading the demo') });
      } finally {
        set({ loading: null });
      }
    },

    async removeImage(which, id) {
      try {
        await client.call('removeImages', { set: which, ids: [id] }).result;
      } catch (e) {
        set({ failure: toFailure(e, 'Removing the image') });
        return;
      }
      if (which === 'normal') set({ normal: get().normal.filter((i) => i.id !== id) });
      else {
        const { [id]: _gone, ...scores } = get().scores;
        set({ test: get().test.filter((i) => i.id !== id), scores });
        if (get().selectedId === id) get().select(get().test[0]?.id ?? null);
      }
    },

    async clearSet(which) {
      try {
        await client.call('removeImages', { set: which, ids: 'all' }).result;
      } catch (e) {
        set({ failure: toFailure(e, 'Clearing the images') });
        return;
      }
      if (which === 'normal') set({ normal: [], rejected: null });
      else {
        set({ test: [], scores: {}, rejected: null });
        get().select(null);
      }
    },

    dismissRejected() {
      set({ rejected: null });
    },
  });
