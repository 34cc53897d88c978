/** The small pictures beside the overlay: f(x0), the projected x_T (animated) and the map alone. */
import { useCallback, useMemo, useRef } from 'react';
import type { FloatImage } from '../../engine/types';
import { colormapLut } from '../../render/colormap';
import { floatToRgba } from '../../render/image';
import { colorizeField } from '../../render/overlay';
import type { Rgba } from '../../render/types';
import type { AppState } from '../../store';
import { paintRgba, useLiveCanvas } from '../common/useLiveCanvas';
import { currentMap, currentProjected, currentRecon, mainMethod, scaleFor } from './maps';

function LivePanel(props: { title: string; label: string; inputs: (s: AppState) => readonly unknown[]; render: (s: AppState) => Rgba | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const paint = useMemo(() => paintRgba(props.render), [props.render]);
  useLiveCanvas(ref, props.inputs, paint);
  return (
    <figure className="panel-img">
      <canvas ref={ref} className="pixelated" role="img" aria-label={props.label} width={1} height={1} />
      <figcaption>{props.title}</figcaption>
    </figure>
  );
}

const cache = new WeakMap<FloatImage, Rgba>();
function rgbaOf(img: FloatImage | null): Rgba | null {
  if (!img) return null;
  let out = cache.get(img);
  if (!out) {
    out = floatToRgba(img);
    cache.set(img, out);
  }
  return out;
}

const liveInputs = (s: AppState) => [s.inspection, s.frame, s.early, s.selectedId] as const;
const mapInputs = (s: AppState) => [s.inspection, s.frame, s.early, s.selectedId, s.view, s.model] as const;
const renderRecon = (s: AppState) => rgbaOf(currentRecon(s));
const renderProjected = (s: AppState) => rgbaOf(currentProjected(s));

export function Panels() {
  const renderMap = useCallback((s: AppState) => {
    const method = mainMethod(s);
    const map = currentMap(s, method);
    return map ? colorizeField(map, colormapLut(s.view.colormap), scaleFor(s, method).scaleMax) : null;
  }, []);
  return (
    <div className="panels">
      <LivePanel title="f(x₀)" label="Reconstruction f(x0)" inputs={liveInputs} render={renderRecon} />
      <LivePanel title="x_T projected" label="Projected image x_T" inputs={liveInputs} render={renderProjected} />
      <LivePanel title="map" label="Anomaly map" inputs={mapInputs} render={renderMap} />
    </div>
  );
}
