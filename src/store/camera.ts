/**
 * Camera slice: the live camera's state and its latest inspected frame. The page owns the
 * MediaStream (ui/camera); each captured frame goes through inspectLiveFrame, one at a time, so
 * the newest frame wins and frames that come while a projection runs are never queued.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { RgbaImage } from '../worker/protocol';
import { toFailure } from './errors';
import type { AppState, CameraSlice, StoreDeps } from './types';

/** Frames per second over the last few frames. */
const FPS_WINDOW = 8;

export const createCameraSlice =
  ({ client }: StoreDeps): StateCreator<AppState, [], [], CameraSlice> =>
  (set, get) => {
    let stamps: number[] = [];
    return {
      camera: { kind: 'off' },
      live: null,

      setCamera(camera) {
        if (camera.kind !== 'live') stamps = [];
        set(camera.kind === 'off' ? { camera, live: null } : { camera });
      },

      async inspectLiveFrame(frame: RgbaImage) {
        const s = get();
        if (!s.model || s.camera.kind !== 'live' || s.training.kind === 'running') return false;
        try {
          const live = await client.call('inspectLive', { frame, settings: s.settings.projection }, { transfer: [frame.data.buffer] }).result;
          const cam = get().camera;
          if (cam.kind !== 'live') return false;
          stamps = [...stamps, performance.now()].slice(-FPS_WINDOW);
          const first = stamps[0] ?? 0;
          const fps = stamps.length > 1 ? ((stamps.length - 1) * 1000) / ((stamps.at(-1) ?? first) - first) : 0;
          set({ live, camera: { ...cam, frames: cam.frames + 1, fps } });
          return true;
        } catch (e) {
          const failure = toFailure(e, 'Inspecting the camera frame');
          if (failure) set({ camera: { kind: 'failed', message: failure.message } });
          return false;
        }
      },
    };
  };
