/**
 * The live camera: the device list, the MediaStream in a <video>, and the capture loop. Each
 * loop turn takes the newest video frame (centre square), waits for its inspection, then takes
 * the next: frames that arrive while a projection runs are simply never captured.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useServices } from '../context';

/** Side of the square sent to the worker: twice the model's size (it averages down), at most 256 px. */
const sideFor = (modelSize: number) => Math.min(256, 2 * modelSize);

/** What the browser said, in words a person can act on. */
export function cameraErrorMessage(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera permission was refused. Allow the camera for this page in the browser (the lock icon by the address) and press Start again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. Plug one in and press Start again.';
  if (name === 'NotReadableError') return 'The camera is in use by another program, or the system blocked it.';
  return `The camera could not start: ${e instanceof Error ? e.message : String(e)}`;
}

/** The video's centre square as RGBA at `side` x `side`. */
export function captureSquare(video: HTMLVideoElement, canvas: HTMLCanvasElement, side: number): { width: number; height: number; data: Uint8ClampedArray } | null {
  const w = video.videoWidth;
  const h = video.videoHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx || w === 0 || h === 0) return null;
  canvas.width = side;
  canvas.height = side;
  const s = Math.min(w, h);
  ctx.drawImage(video, (w - s) / 2, (h - s) / 2, s, s, 0, 0, side, side);
  return { width: side, height: side, data: ctx.getImageData(0, 0, side, side).data };
}

export interface CameraControls {
  devices: MediaDeviceInfo[];
  start(deviceId: string | null): Promise<void>;
  stop(): void;
}

export function useCamera(video: RefObject<HTMLVideoElement | null>, modelSize: number): CameraControls {
  const { store } = useServices();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const stream = useRef<MediaStream | null>(null);
  const loop = useRef(0);

  const stop = useCallback(() => {
    loop.current++;
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    if (video.current) video.current.srcObject = null;
  }, [video]);

  const run = useCallback(
    async (id: number) => {
      const canvas = document.createElement('canvas');
      while (loop.current === id && video.current) {
        const frame = captureSquare(video.current, canvas, sideFor(modelSize));
        const ok = frame ? await store.getState().inspectLiveFrame(frame) : false;
        if (!ok) await new Promise((r) => setTimeout(r, 100));
        if (store.getState().camera.kind !== 'live') return;
      }
    },
    [store, video, modelSize],
  );

  const start = useCallback(
    async (deviceId: string | null) => {
      stop();
      store.getState().setCamera({ kind: 'starting' });
      try {
        const media = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { deviceId: { exact: deviceId } } : { facingMode: 'environment' }, audio: false });
        stream.current = media;
        const track = media.getVideoTracks()[0];
        track?.addEventListener('ended', () => {
          stop();
          store.getState().setCamera({ kind: 'failed', message: 'The camera was disconnected. Plug it in again and press Start.' });
        });
        const el = video.current;
        if (!el) return;
        el.srcObject = media;
        await el.play();
        setDevices((await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput'));
        store.getState().setCamera({ kind: 'live', label: track?.label || 'camera', frames: 0, fps: 0 });
        void run(++loop.current);
      } catch (e) {
        stop();
        store.getState().setCamera({ kind: 'failed', message: cameraErrorMessage(e) });
      }
    },
    [store, video, stop, run],
  );

  useEffect(() => stop, [stop]);
  return { devices, start, stop };
}
