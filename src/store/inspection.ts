/**
 * Inspection slice: the selected test image, its live projection and the list's scores.
 * One projection at a time: a new run (selection or slider change, debounced) cancels the old
 * one; when the selected image is done, the other test images are scored in the background.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { Job } from '../worker/client';
import type { InspectResult } from '../worker/protocol';
import { FRAME_EVERY, RERUN_DEBOUNCE_MS } from './defaults';
import { toFailure } from './errors';
import type { AppState, StoreDeps } from './types';

type InspectSlice = Pick<
  AppState,
  'selectedId' | 'view' | 'inspection' | 'frame' | 'early' | 'energies' | 'scores' | 'scoring' | 'select' | 'setProjection' | 'setView' | 'inspectSelected' | 'scoreMissing' | 'cancelInspection'
>;

/** Resets the viewer's inspection state (new model, new selection, new dataset). */
export const NO_INSPECTION = { inspection: { kind: 'none' }, frame: null, early: null, energies: [] } as const satisfies Partial<AppState>;

export const createInspectionSlice =
  ({ client }: StoreDeps): StateCreator<AppState, [], [], InspectSlice> =>
  (set, get) => {
    let inspectJob: Job<InspectResult> | null = null;
    let scoreJob: Job<{ stopped: boolean }> | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;

    function cancelAll(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      inspectJob?.cancel();
      scoreJob?.cancel();
      inspectJob = null;
      scoreJob = null;
      if (get().scoring) set({ scoring: null });
    }

    function scoreRest(): void {
      const { test, scores } = get();
      const testIds = test.filter((t) => scores[t.id] === undefined).map((t) => t.id);
      if (testIds.length === 0 || !get().model) return;
      const total = testIds.length;
      set({ scoring: { done: 0, total } });
      const job = client.call('score', { testIds, settings: get().settings.projection }, {
        onEvent: (s) => {
          if (scoreJob !== job) return;
          set({ scores: { ...get().scores, [s.testId]: s }, scoring: { done: (get().scoring?.done ?? 0) + 1, total } });
        },
      });
      scoreJob = job;
      job.result.then(
        () => {
          if (scoreJob === job) set({ scoring: null });
        },
        (e: unknown) => {
          if (scoreJob === job) set({ scoring: null, failure: toFailure(e, 'Scoring the test images') });
        },
      );
    }

    async function run(testId: string): Promise<void> {
      cancelAll();
      const settings = get().settings.projection;
      set({ inspection: { kind: 'running', testId, iterations: settings.iterations }, frame: null, early: null, energies: [], failure: null });
      const job = client.call('inspect', { testId, settings, every: FRAME_EVERY }, {
        onEvent: (f) => {
          if (inspectJob !== job) return;
          if (f.kind === 'residual') set({ early: f });
          else if (f.kind === 'tiles') set({ inspection: { kind: 'running', testId, iterations: settings.iterations, tiles: { live: f.live, done: f.done, total: f.total } } });
          else set({ frame: f.image ? f : get().frame, energies: [...get().energies, { iteration: f.iteration, energy: f.energy }] });
        },
      });
      inspectJob = job;
      try {
        const result = await job.result;
        if (inspectJob !== job) return;
        inspectJob = null;
        const { residual, projection } = result;
        set({ inspection: { kind: 'done', result }, scores: { ...get().scores, [testId]: { testId, residual: residual.score, projection: projection.score } } });
        if (!result.stopped) scoreRest();
      } catch (e) {
        if (inspectJob !== job) return;
        inspectJob = null;
        const failure = toFailure(e, 'Inspecting the image');
        set({ inspection: failure ? { kind: 'failed', testId, message: failure.message } : { kind: 'none' }, failure });
      }
    }

    return {
      selectedId: null,
      view: { method: 'projection', opacity: 0.6, colormap: 'inferno', thresholds: {}, sort: 'score-desc', datasetFolded: false },
      inspection: { kind: 'none' },
      frame: null,
      early: null,
      energies: [],
      scores: {},
      scoring: null,

      select(id) {
        if (id === get().selectedId) {
          // Selected on upload before a model existed: a click now inspects it.
          if (get().inspection.kind === 'none') void get().inspectSelected();
          return;
        }
        set({ selectedId: id, ...NO_INSPECTION });
        if (id === null) cancelAll();
        else void get().inspectSelected();
      },

      setProjection(patch) {
        const s = get().settings;
        set({ settings: { ...s, projection: { ...s.projection, ...patch } }, scores: {} });
        if (!get().model) return;
        if (timer !== null) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          if (get().selectedId === null) get().scoreMissing();
          else void get().inspectSelected();
        }, RERUN_DEBOUNCE_MS);
      },

      setView(patch) {
        set({ view: { ...get().view, ...patch } });
      },

      async inspectSelected() {
        const s = get();
        if (!s.model || s.training.kind === 'running' || s.selectedId === null) return;
        await run(s.selectedId);
      },

      scoreMissing() {
        if (inspectJob === null && get().training.kind !== 'running') {
          scoreJob?.cancel();
          scoreRest();
        }
      },

      cancelInspection() {
        cancelAll();
        if (get().inspection.kind === 'running') set(NO_INSPECTION);
      },
    };
  };
