/**
 * Results slice: test files with their ground-truth masks (paired by name), the batch run over
 * every test image (scores as they come, with progress) and the evaluation metrics per method.
 */
import type { StateCreator } from 'zustand/vanilla';
import { pairMasks } from '../engine/data/pairing';
import type { Job } from '../worker/client';
import type { EvaluationResult, MaskFile } from '../worker/protocol';
import { toFailure } from './errors';
import type { AppState, KeepState, StoreDeps } from './types';

type ResultsSlice = Pick<KeepState, 'batch' | 'rows' | 'evaluation' | 'resultsSort' | 'addTestFiles' | 'runBatch' | 'cancelBatch' | 'setResultsSort'>;

export const createResultsSlice =
  ({ client }: StoreDeps): StateCreator<AppState, [], [], ResultsSlice> =>
  (set, get) => {
    let job: Job<EvaluationResult> | null = null;

    async function attach(masks: Map<string, string>, files: Map<string, Blob>, before: Set<string>): Promise<void> {
      const added = get().test.filter((t) => !before.has(t.id));
      const wanted: MaskFile[] = [];
      for (const t of added) {
        const maskName = masks.get(t.name);
        const blob = maskName === undefined ? undefined : files.get(maskName);
        if (maskName !== undefined && blob) wanted.push({ testId: t.id, name: maskName, blob });
      }
      if (wanted.length === 0) return;
      const r = await client.call('attachMasks', { masks: wanted }).result;
      const ok = new Set(r.attached);
      set({ test: get().test.map((t) => (ok.has(t.id) ? { ...t, hasMask: true } : t)), evaluation: null });
      if (r.rejected.length > 0) set({ rejected: { set: 'test', files: [...(get().rejected?.files ?? []), ...r.rejected] } });
    }

    return {
      batch: { kind: 'idle' },
      rows: {},
      evaluation: null,
      resultsSort: { key: 'projection', dir: 'desc' },

      async addTestFiles(files) {
        const pairing = pairMasks(files.map((f) => f.name));
        const blobs = new Map(files.map((f) => [f.name, f.blob]));
        const images = files.filter((f) => pairing.images.includes(f.name));
        const before = new Set(get().test.map((t) => t.id));
        await get().addFiles('test', images);
        try {
          await attach(pairing.masks, blobs, before);
        } catch (e) {
          set({ failure: toFailure(e, 'Reading the masks') });
        }
        if (pairing.orphans.length > 0) {
          const orphans = pairing.orphans.map((name) => ({ name, reason: 'a mask without its test image (expected <name>.png beside <name>_mask.png)' }));
          set({ rejected: { set: 'test', files: [...(get().rejected?.files ?? []), ...orphans] } });
        }
      },

      async runBatch() {
        const s = get();
        if (!s.model || s.training.kind === 'running' || s.test.length === 0 || s.batch.kind === 'running') return;
        get().cancelInspection();
        const testIds = s.test.map((t) => t.id);
        const total = testIds.length;
        set({ batch: { kind: 'running', done: 0, total }, rows: {}, evaluation: null, failure: null });
        const current = client.call('evaluate', { testIds, settings: s.settings.projection }, {
          onEvent: (row) => {
            if (job !== current) return;
            const done = Object.keys(get().rows).length + 1;
            set({
              rows: { ...get().rows, [row.testId]: row },
              scores: { ...get().scores, [row.testId]: { testId: row.testId, residual: row.residual, projection: row.projection } },
              batch: { kind: 'running', done, total },
            });
          },
        });
        job = current;
        try {
          const r = await current.result;
          if (job !== current) return;
          set({ batch: { kind: 'done', stopped: r.stopped }, evaluation: r.labelled > 0 ? r : null });
        } catch (e) {
          if (job !== current) return;
          const failure = toFailure(e, 'Inspecting the batch');
          set({ batch: failure ? { kind: 'failed', message: failure.message } : { kind: 'done', stopped: true }, failure });
        } finally {
          if (job === current) job = null;
        }
      },

      cancelBatch() {
        job?.cancel();
      },

      setResultsSort(sort) {
        set({ resultsSort: sort });
      },
    };
  };
