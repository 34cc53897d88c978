/**
 * The test image with the anomaly map over it (colormap, opacity, threshold contour), drawn
 * at the image's own resolution (small working-size images are enlarged for the screen).
 * Repaints by subscription, once per animation frame, while the projection iterates.
 */
import { useCallback, useMemo, useRef } from 'react';
import type { AnomalyMethod } from '../../engine/types';
import { colormapLut } from '../../render/colormap';
import { fitSize, resampleRgba } from '../../render/image';
import { composeOverlay } from '../../render/overlay';
import type { Rgba } from '../../render/types';
import type { AppState } from '../../store';
import { devicePixels } from '../common/draw';
import { useLiveCanvas } from '../common/useLiveCanvas';
import { currentMap, currentScoreMap, scaleFor } from './maps';

interface Props {
  base: Rgba | null;
  method: AnomalyMethod;
  label: string;
  /** CSS size of the box the canvas fits into. */
  box: number;
}

/** Small images are enlarged (nearest, so pixels stay honest) to fill the box on this screen. */
function displayBase(base: Rgba, box: number): Rgba {
  const target = devicePixels(box);
  const longer = Math.max(base.width, base.height);
  if (longer >= target) return base;
  const k = Math.floor(target / longer);
  return k > 1 ? resampleRgba(base, base.width * k, base.height * k, false) : base;
}

/** While frames stream in, a photo larger than the screen box is drawn at the box's size (cheaper). */
function livePreview(shown: Rgba, box: number): Rgba {
  const { width, height } = fitSize(shown.width, shown.height, devicePixels(box));
  return width < shown.width ? resampleRgba(shown, width, height) : shown;
}

export function OverlayCanvas({ base, method, label, box }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const shown = useMemo(() => (base ? displayBase(base, box) : null), [base, box]);
  const preview = useMemo(() => (shown ? livePreview(shown, box) : null), [shown, box]);
  const inputs = useCallback(
    (s: AppState) => [s.inspection, s.frame, s.early, s.view, s.model, s.selectedId, shown] as const,
    [shown],
  );
  const render = useCallback(
    (s: AppState): Rgba | null => {
      if (!shown || !preview) return null;
      const map = currentMap(s, method);
      if (!map) return shown;
      const scale = scaleFor(s, method);
      const under = s.inspection.kind === 'running' ? preview : shown;
      const contour = currentScoreMap(s, method);
      return composeOverlay(under, map, { lut: colormapLut(s.view.colormap), scaleMax: scale.scaleMax, opacity: s.view.opacity, threshold: scale.threshold, contour });
    },
    [shown, preview, method],
  );
  useLiveCanvas(ref, inputs, render);
  const aspect = shown ? shown.width / shown.height : 1;
  const style = aspect >= 1 ? { width: box, height: box / aspect } : { width: box * aspect, height: box };
  return <canvas ref={ref} className="overlay" role="img" aria-label={label} style={style} width={1} height={1} />;
}
