/**
 * The test image with the anomaly map over it (colormap, opacity, threshold contour), drawn by
 * the canvas in layers (ui/common/drawOverlay.ts): at the image's own resolution when finished
 * (small working-size images enlarged by whole pixels for the screen, a photo at its pixels for
 * the PNG export), at the screen box's size while the projection iterates. Repaints by
 * subscription, once per animation frame.
 */
import { useCallback, useRef } from 'react';
import type { AnomalyMethod } from '../../engine/types';
import { colormapLut } from '../../render/colormap';
import type { Rgba } from '../../render/types';
import type { AppState } from '../../store';
import { clearCanvas } from '../common/draw';
import { drawOverlay, overlayFrame } from '../common/drawOverlay';
import { useLiveCanvas } from '../common/useLiveCanvas';
import { currentMap, currentScoreMap, scaleFor } from './maps';

interface Props {
  base: Rgba | null;
  method: AnomalyMethod;
  label: string;
  /** CSS size of the box the canvas fits into. */
  box: number;
}

export function OverlayCanvas({ base, method, label, box }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const inputs = useCallback((s: AppState) => [s.inspection, s.frame, s.early, s.view, s.model, s.selectedId, base] as const, [base]);
  const paint = useCallback(
    (canvas: HTMLCanvasElement, s: AppState) => {
      if (!base) {
        clearCanvas(canvas);
        return;
      }
      const frame = overlayFrame(base, box, s.inspection.kind === 'running');
      const scale = scaleFor(s, method);
      drawOverlay(canvas, base, frame, currentMap(s, method), {
        lut: colormapLut(s.view.colormap),
        scaleMax: scale.scaleMax,
        opacity: s.view.opacity,
        threshold: scale.threshold,
        contour: currentScoreMap(s, method),
      });
    },
    [base, box, method],
  );
  useLiveCanvas(ref, inputs, paint);
  const aspect = base ? base.width / base.height : 1;
  const style = aspect >= 1 ? { width: box, height: box / aspect } : { width: box * aspect, height: box };
  return <canvas ref={ref} className="overlay" role="img" aria-label={label} style={style} width={1} height={1} />;
}
