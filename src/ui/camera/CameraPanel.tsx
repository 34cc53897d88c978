/**
 * Live inspection of a camera: choose a camera, start it, and the latest frame is projected
 * with the overlay updating as frames are inspected (fps shown). Freeze adds the frame to the
 * test list. Nothing else on the page changes when the camera fails.
 */
import { useCallback, useId, useRef, useState } from 'react';
import { colormapLut } from '../../render/colormap';
import { floatToRgba } from '../../render/image';
import type { AppState } from '../../store';
import { clearCanvas } from '../common/draw';
import { drawOverlay, overlayFrame } from '../common/drawOverlay';
import { useLiveCanvas } from '../common/useLiveCanvas';
import { useApp, useServices } from '../context';
import { scaleFor } from '../inspect/maps';
import { useCamera } from './useCamera';

const VIEW = 280;

function LiveOverlay() {
  const ref = useRef<HTMLCanvasElement>(null);
  const inputs = useCallback((s: AppState) => [s.live, s.view, s.model] as const, []);
  const paint = useCallback((canvas: HTMLCanvasElement, s: AppState) => {
    const live = s.live;
    if (!live) {
      clearCanvas(canvas);
      return;
    }
    const base = floatToRgba(live.x0);
    const { width, height, map: data, scoreMap } = live.projection;
    const scale = scaleFor(s, 'projection');
    drawOverlay(canvas, base, overlayFrame(base, VIEW, true), { width, height, data }, {
      lut: colormapLut(s.view.colormap),
      scaleMax: scale.scaleMax,
      opacity: s.view.opacity,
      threshold: scale.threshold,
      contour: scoreMap ? { width, height, data: scoreMap } : null,
    }, true);
  }, []);
  useLiveCanvas(ref, inputs, paint);
  return <canvas ref={ref} className="overlay" role="img" aria-label="Live anomaly overlay" style={{ width: VIEW, height: VIEW }} width={1} height={1} />;
}

/** The current video frame as a PNG file for the test list. */
async function frameFile(video: HTMLVideoElement): Promise<{ name: string; blob: Blob } | null> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d')?.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
  return blob ? { name: `camera-${new Date().toISOString().replace(/[:.]/g, '-')}.png`, blob } : null;
}

export function CameraPanel() {
  const { store } = useServices();
  const video = useRef<HTMLVideoElement>(null);
  const size = useApp((s) => s.model?.config.size ?? 64);
  const camera = useApp((s) => s.camera);
  const score = useApp((s) => s.live?.projection.score ?? null);
  const { devices, start, stop } = useCamera(video, size);
  const [deviceId, setDeviceId] = useState<string | null>(null);
  const selectId = useId();
  const live = camera.kind === 'live';
  const freeze = async () => {
    const file = video.current && (await frameFile(video.current));
    if (file) await store.getState().addTestFiles([file]);
  };
  return (
    <div className="camera" data-testid="camera" data-state={camera.kind}>
      <div className="row">
        <label htmlFor={selectId}>Camera</label>
        <select id={selectId} value={deviceId ?? ''} onChange={(e) => setDeviceId(e.currentTarget.value || null)}>
          <option value="">default (rear on phones)</option>
          {devices.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `camera ${i + 1}`}
            </option>
          ))}
        </select>
        {live ? (
          <button type="button" className="btn" onClick={() => { stop(); store.getState().setCamera({ kind: 'off' }); }}>Stop camera</button>
        ) : (
          <button type="button" className="btn primary" disabled={camera.kind === 'starting'} onClick={() => void start(deviceId)}>Start camera</button>
        )}
        <button type="button" className="btn" disabled={!live} onClick={() => void freeze()}>Freeze</button>
      </div>
      {camera.kind === 'failed' && <p className="error-text" role="alert" data-testid="camera-error">{camera.message}</p>}
      <video ref={video} className="camera-video" muted playsInline aria-label="Camera preview" />
      <LiveOverlay />
      {live && (
        <p className="muted small" data-testid="camera-status">
          {camera.label} · {camera.fps.toFixed(1)} fps · {camera.frames} frames inspected{score === null ? '' : ` · score ${score.toFixed(3)}`}
        </p>
      )}
    </div>
  );
}
