/** Projection sliders (re-run, debounced) and view options (method, opacity, threshold, colours). */
import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { COLORMAPS } from '../../render/colormap';
import { formatValue } from '../../render/legend';
import { RANGES } from '../../store/defaults';
import type { ColormapChoice, ViewMethod } from '../../store';
import { PROJECTION_VARIANTS, type ProjectionVariant } from '../../engine/types';
import { useApp, useServices } from '../context';
import { Slider } from '../common/Slider';
import { mainMethod, scaleFor } from './maps';

const VARIANT_LABELS: Record<ProjectionVariant, string> = {
  weighted: 'weighted by (x − f(x))²',
  calibrated: 'weighted, edge-calibrated',
  plain: 'plain gradient',
};

const VARIANT_HINT =
  "Weighted: the paper's update, each pixel moved in proportion to (x − f(x))². Edge-calibrated: the same with each pixel's residual measured against the normal images' residual at its distance from the edge. Plain: the bare gradient, for comparison.";

const METHODS: { value: ViewMethod; label: string }[] = [
  { value: 'projection', label: 'Projection' },
  { value: 'residual', label: 'Residual' },
  { value: 'both', label: 'Side by side' },
];

export function ProjectionSliders() {
  const { store } = useServices();
  const p = useApp((s) => s.settings.projection);
  const variantId = useId();
  const set = (patch: Partial<typeof p>) => store.getState().setProjection(patch);
  return (
    <fieldset className="controls">
      <legend>Projection</legend>
      <Slider label="Step size" {...RANGES.alpha} value={p.alpha} onChange={(alpha) => set({ alpha })} format={(v) => v.toFixed(2)} hint="alpha: how far each step moves the image" />
      <Slider label="Iterations" {...RANGES.iterations} value={p.iterations} onChange={(iterations) => set({ iterations })} hint="T: number of projection steps" />
      <Slider label="Lambda" {...RANGES.lambda} value={p.lambda} onChange={(lambda) => set({ lambda })} format={(v) => v.toFixed(2)} hint="weight of the pull back towards the original" />
      <div className="slider">
        <label htmlFor={variantId}>Update</label>
        <select id={variantId} value={p.variant} title={VARIANT_HINT} onChange={(e) => set({ variant: PROJECTION_VARIANTS.find((v) => v === e.currentTarget.value) ?? 'weighted' })}>
          {PROJECTION_VARIANTS.map((v) => (
            <option key={v} value={v}>
              {VARIANT_LABELS[v]}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}

export function ViewControls() {
  const { store } = useServices();
  const view = useApp((s) => s.view);
  const method = useApp(mainMethod);
  const scale = useApp(useShallow((s) => scaleFor(s, mainMethod(s))));
  const colormapId = useId();
  const setView = store.getState().setView;
  // Up to twice the calibrated threshold: the scores are taken on a finer map than the colours show, so it can sit at the scale's top.
  const thresholdMax = Math.max(scale.scaleMax, 2 * (scale.imageThreshold ?? 0));
  return (
    <fieldset className="controls">
      <legend>View</legend>
      <div className="segmented" role="radiogroup" aria-label="Method">
        {METHODS.map((m) => (
          <label key={m.value} className={view.method === m.value ? 'on' : ''}>
            <input type="radio" name="method" value={m.value} checked={view.method === m.value} onChange={() => setView({ method: m.value })} />
            {m.label}
          </label>
        ))}
      </div>
      <Slider label="Opacity" min={0} max={1} step={0.05} value={view.opacity} onChange={(opacity) => setView({ opacity })} format={(v) => `${Math.round(v * 100)}%`} />
      <Slider
        label="Threshold"
        min={0}
        max={thresholdMax}
        step={thresholdMax / 200}
        value={Math.min(scale.threshold ?? 0, thresholdMax)}
        onChange={(t) => setView({ thresholds: { ...view.thresholds, [method]: t } })}
        format={formatValue}
        hint="an image scoring above it is anomalous and its pixels above it are outlined; starts at the calibrated image threshold"
      />
      <div className="slider">
        <label htmlFor={colormapId}>Colours</label>
        <select id={colormapId} value={view.colormap} onChange={(e) => setView({ colormap: e.currentTarget.value as ColormapChoice })}>
          {COLORMAPS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
