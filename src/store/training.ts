/** Training slice: settings, the training job, its progress, history and the trained model. */
import type { StateCreator } from 'zustand/vanilla';
import type { Job } from '../worker/client';
import type { TrainEvent, TrainResultInfo } from '../worker/protocol';
import { DEFAULT_SETTINGS, GRID_SIZE, layoutFor, vaeConfigFor } from './defaults';
import { toFailure } from './errors';
import { NO_INSPECTION } from './inspection';
import type { AppState, StoreDeps } from './types';

type TrainSlice = Pick<AppState, 'settings' | 'settingsFrom' | 'training' | 'model' | 'history' | 'steps' | 'progress' | 'grid' | 'gridEpoch' | 'setSettings' | 'train' | 'stopTraining'>;

/** Keeps the live loss curve light: beyond this many points, every other one is dropped. */
const MAX_STEP_POINTS = 2000;

function thin<T>(points: T[]): T[] {
  return points.length <= MAX_STEP_POINTS ? points : points.filter((_, i) => i % 2 === 0);
}

export const createTrainingSlice =
  ({ client }: StoreDeps, initial = DEFAULT_SETTINGS, chosen = false): StateCreator<AppState, [], [], TrainSlice> =>
  (set, get) => {
    let job: Job<TrainResultInfo> | null = null;

    function onEvent(e: TrainEvent): void {
      const t = get().training;
      if (t.kind !== 'running') return;
      if (e.kind === 'phase') set({ training: { ...t, phase: e.phase } });
      else if (e.kind === 'calibration') set({ training: { ...t, calibration: { done: e.done, total: e.total } } });
      else if (e.kind === 'progress') {
        const p = e.progress;
        const x = p.epoch - 1 + p.step / Math.max(1, p.stepsPerEpoch);
        set({ progress: p, steps: thin([...get().steps, { x, loss: p.loss }]), training: { ...t, epoch: p.epoch } });
      } else if (e.kind === 'epoch') {
        set({ history: [...get().history, { epoch: e.epoch, loss: e.loss, valLoss: e.valLoss }] });
      } else {
        set({ grid: e.grid, gridEpoch: e.epoch });
      }
    }

    return {
      settings: initial,
      settingsFrom: chosen ? 'chosen' : 'defaults',
      training: { kind: 'idle' },
      model: null,
      history: [],
      steps: [],
      progress: null,
      grid: [],
      gridEpoch: null,

      setSettings(patch) {
        const s = get().settings;
        set({ settings: { ...s, model: { ...s.model, ...patch.model }, train: { ...s.train, ...patch.train } }, settingsFrom: 'chosen' });
      },

      async train() {
        if (get().training.kind === 'running' || get().normal.length === 0) return;
        const { model, train, projection } = get().settings;
        get().cancelInspection();
        set({
          training: { kind: 'running', phase: 'preparing', epoch: 0, epochs: train.epochs, stopping: false },
          history: [],
          steps: [],
          progress: null,
          grid: [],
          gridEpoch: null,
          failure: null,
        });
        const input = layoutFor(model, get().normal.map(({ width, height }) => ({ width, height })));
        const args = { vae: vaeConfigFor(model), train, projection, gridSize: GRID_SIZE, input };
        job = client.call('train', args, { onEvent });
        try {
          const r = await job.result;
          set({ training: { kind: 'finished', stopped: r.model?.stopped ?? true, epochsDone: r.model?.epochsDone ?? 0, endedBy: r.endedBy, bestEpoch: r.bestEpoch } });
          if (r.diverged) set({ notice: { kind: 'training-diverged', text: r.diverged } });
          if (r.model) {
            set({ model: r.model, scores: {}, view: { ...get().view, datasetFolded: true }, ...NO_INSPECTION });
            // The status rests at 'trained'; the list fills with scores, the person picks an image.
            get().scoreMissing();
          }
        } catch (e) {
          const failure = toFailure(e, 'Training');
          set({ training: failure ? { kind: 'failed', message: failure.message } : { kind: 'idle' }, failure });
        } finally {
          job = null;
        }
      },

      stopTraining() {
        const t = get().training;
        if (t.kind !== 'running' || !job) return;
        job.cancel();
        set({ training: { ...t, stopping: true } });
      },
    };
  };
