/**
 * How images meet the model's square input: whole (aspect kept) or patches at a scale, as auto
 * would choose it from the normal images now, with a thumbnail showing how much one patch covers.
 */
import { describeLayout, formatScale, scaledSize } from '../../engine/data/layout';
import { tileCount } from '../../engine/tiles/grid';
import type { InputLayout } from '../../engine/types';
import { LAYOUT_CHOICES, layoutFor, SCALE_CHOICES } from '../../store/defaults';
import type { ImageInfo } from '../../worker/protocol';
import { PixelCanvas } from '../common/PixelCanvas';
import { SelectField } from '../common/SelectField';
import { useApp, useServices } from '../context';

/** Tiles one image of width x height gets in this layout (1 in whole mode). */
function tilesPerImage(layout: InputLayout, size: number, width: number, height: number): number {
  if (layout.mode === 'whole') return 1;
  const scaled = scaledSize(width, height, layout.scale);
  return tileCount(scaled.width, scaled.height, size, layout.stride);
}

/** The first normal image with the share of it one patch covers outlined. */
function PatchThumb({ image, layout, size }: { image: ImageInfo; layout: InputLayout; size: number }) {
  const coverage =
    layout.mode === 'patches'
      ? { w: Math.min(1, size / (image.width * layout.scale)), h: Math.min(1, size / (image.height * layout.scale)) }
      : null;
  return (
    <div className="patch-thumb" data-testid="patch-thumb">
      <PixelCanvas image={image.thumb} label={`${image.name}${coverage ? ', one patch outlined' : ''}`} pixelated={false} />
      {coverage && <div className="patch-box" style={{ width: `${coverage.w * 100}%`, height: `${coverage.h * 100}%` }} />}
    </div>
  );
}

export function LayoutSettings() {
  const { store } = useServices();
  const model = useApp((s) => s.settings.model);
  const first = useApp((s) => s.normal[0] ?? null);
  const sizes = useApp((s) => s.normal);
  const disabled = useApp((s) => s.training.kind === 'running');
  const layout = sizes.length > 0 ? layoutFor(model, sizes) : null;
  const setModel = (patch: Partial<typeof model>) => store.getState().setSettings({ model: patch });
  return (
    <div className="layout-settings">
      <div className="fields">
        <SelectField
          label="Images"
          value={model.layout}
          choices={LAYOUT_CHOICES.map((c) => ({ value: c.id, label: c.label }))}
          disabled={disabled}
          onChange={(v) => setModel({ layout: LAYOUT_CHOICES.find((c) => c.id === v)?.id ?? 'auto' })}
        />
        <SelectField
          label="Patch scale"
          value={String(model.scale)}
          choices={SCALE_CHOICES.map((v) => ({ value: String(v), label: v === 0 ? 'Auto' : formatScale(v) }))}
          disabled={disabled || layout?.mode === 'whole'}
          onChange={(v) => setModel({ scale: Number(v) })}
        />
      </div>
      {layout && first && (
        <div className="row layout-summary">
          <PatchThumb image={first} layout={layout} size={model.size} />
          <p className="muted small" data-testid="layout-summary">
            {model.layout === 'auto' ? 'Auto chose ' : ''}
            {describeLayout(layout, model.size)}
            {layout.mode === 'patches'
              ? ` · ${tilesPerImage(layout, model.size, first.width, first.height)} tiles for ${first.width}×${first.height}`
              : ' · grey bands pad non-square images and are left out of the map'}
          </p>
        </div>
      )}
    </div>
  );
}
