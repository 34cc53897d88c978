/**
 * With ?test=1: window.__manifoldLens, the hook end-to-end tests read state through (the app's
 * state, not pixels). numTensors and lastMap ask the worker, where the tensors and maps live.
 */
import { selectStatus, type AppStore } from '../../store';
import type { ProjectionSettings } from '../../engine/types';
import type { MlClientLike } from '../../worker/client';
import type { DebugArgs, DebugResult, EvaluationData, FieldData } from '../../worker/protocol';
import { mainMethod, scaleFor } from '../../ui/inspect/maps';

export interface ManifoldLensHook {
  backend(): string | null;
  adapterInfo(): string | null;
  numTensors(): Promise<number>;
  /** Of those, the ones the model's projections keep, derived from its weights. */
  keptTensors(): Promise<number>;
  lastMap(): Promise<FieldData | null>;
  mask(testId?: string): Promise<{ width: number; height: number; data: number[] } | null>;
  status(): { state: string; text: string };
  history(): { epoch: number; loss: number; valLoss: number | null }[];
  tests(): { id: string; name: string; kind: string | null; score: number | null }[];
  select(id: string): void;
  /** The worker's test calls, a test image at a working size, the model. */
  debug(args: DebugArgs): Promise<DebugResult>;
  /** The worker's pixels of a test image; with `size`, squashed to size x size. */
  testImage(id: string, size?: number): Promise<{ width: number; height: number; channels: number; data: number[] }>;
  model(): { epochsDone: number; stopped: boolean; size: number; channels: number; calibratedAt: ProjectionSettings | null } | null;
  /** The maps, masks and labels of the last batch; the viewer's scale. */
  evaluationData(): Promise<EvaluationData | null>;
  /** The latest inspected camera frame: its scores and projection map. */
  live(): { frames: number; residual: number; projection: number; map: number[] } | null;
  /** Frames (energy points) the current inspection has sent: one every FRAME_EVERY steps. */
  projectionSteps(): number;
  heatScale(): { method: string; scaleMax: number; threshold: number | null; colormap: string };
  /**
   * Projects a test image for `iterations` steps through the worker, cancelling it as its first
   * frame comes in: whether it ended stopped, and the frames it sent before it ended.
   */
  cancelAtFirstFrame(id: string, iterations: number): Promise<{ stopped: boolean; frames: number }>;
}

declare global {
  interface Window {
    __manifoldLens?: ManifoldLensHook;
  }
}

export function installTestHook(store: AppStore, client: MlClientLike): void {
  const choice = () => {
    const b = store.getState().backend;
    return b.kind === 'ready' ? b.choice : null;
  };
  window.__manifoldLens = {
    backend: () => choice()?.name ?? null,
    adapterInfo: () => choice()?.adapterInfo ?? null,
    numTensors: () => client.call('numTensors', {}).result,
    keptTensors: () => client.call('keptTensors', {}).result,
    projectionSteps: () => store.getState().energies.length,
    lastMap: () => client.call('lastMap', { method: store.getState().view.method === 'residual' ? 'residual' : 'projection' }).result,
    mask: async (testId) => {
      const id = testId ?? store.getState().selectedId;
      if (!id) return null;
      const m = await client.call('mask', { testId: id }).result;
      return m ? { width: m.width, height: m.height, data: Array.from(m.data) } : null;
    },
    status: () => selectStatus(store.getState()),
    history: () => store.getState().history,
    tests: () => {
      const s = store.getState();
      return s.test.map((t) => ({ id: t.id, name: t.name, kind: t.kind ?? null, score: s.scores[t.id]?.projection ?? null }));
    },
    select: (id) => store.getState().select(id),
    debug: (args) => client.call('debug', args).result,
    testImage: async (id, size) => {
      const img = await client.call('testImage', { testId: id, size }).result;
      return { width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) };
    },
    model: () => {
      const m = store.getState().model;
      return m ? { epochsDone: m.epochsDone, stopped: m.stopped, size: m.config.size, channels: m.config.channels, calibratedAt: m.calibration.at } : null;
    },
    evaluationData: () => client.call('evaluationData', {}).result,
    live: () => {
      const s = store.getState();
      const l = s.live;
      const frames = s.camera.kind === 'live' ? s.camera.frames : 0;
      return l ? { frames, residual: l.residual.score, projection: l.projection.score, map: Array.from(l.projection.map) } : null;
    },
    heatScale: () => {
      const s = store.getState();
      const method = mainMethod(s);
      const { scaleMax, threshold } = scaleFor(s, method);
      return { method, scaleMax, threshold, colormap: s.view.colormap };
    },
    cancelAtFirstFrame: async (id, iterations) => {
      let frames = 0;
      const settings = { ...store.getState().settings.projection, iterations };
      const job = client.call('inspect', { testId: id, settings, every: 2 }, {
        onEvent: (e) => {
          if (e.kind === 'frame' && frames++ === 0) job.cancel();
        },
      });
      const result = await job.result;
      return { stopped: result.stopped, frames };
    },
  };
}
