/** Training settings: a one-line summary, everything else under "Advanced". */
import { useId } from 'react';
import { BOTTLENECK_CHOICES, BOTTOM_SIZES, RANGES, RECONSTRUCTION_CHOICES, reconstructionChoice, WORKING_SIZES } from '../../store/defaults';
import { formatDuration } from '../messages';
import { SelectField } from '../common/SelectField';
import { useApp, useServices } from '../context';

function NumberField(props: { label: string; value: number; min: number; max: number; step: number | 'any'; onChange(v: number): void; disabled: boolean; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        value={props.value}
        min={props.min}
        max={props.max}
        step={props.step}
        disabled={props.disabled}
        title={props.hint}
        onChange={(e) => {
          const v = Number(e.currentTarget.value);
          if (Number.isFinite(v) && v >= props.min && v <= props.max) props.onChange(v);
        }}
      />
    </div>
  );
}

const SCHEDULE_CHOICES = [
  { value: 'constant', label: 'Constant' },
  { value: 'cosine', label: 'Warm-up, then cosine decay' },
];

export function TrainSettings() {
  const { store } = useServices();
  const settings = useApp((s) => s.settings);
  const disabled = useApp((s) => s.training.kind === 'running');
  const { model, train } = settings;
  const setModel = (patch: Partial<typeof model>) => store.getState().setSettings({ model: patch });
  const setTrain = (patch: Partial<typeof train>) => store.getState().setSettings({ train: patch });
  return (
    <details className="advanced">
      <summary>
        Advanced <span className="muted">
          {model.size} px · latent {model.latent}
          {model.bottleneck === 'spatial' ? ' per cell' : ''} · {train.epochs} epochs
          {train.timeBudgetSec ? ` or ${formatDuration(train.timeBudgetSec * 1000)}` : ''} · batch {train.batchSize} ·{' '}
          {RECONSTRUCTION_CHOICES.find((c) => c.id === reconstructionChoice(model.reconstruction))?.label}
        </span>
      </summary>
      <div className="fields">
        <SelectField
          label="Working size"
          value={String(model.size)}
          choices={WORKING_SIZES.map((v) => ({ value: String(v), label: `${v}×${v}` }))}
          disabled={disabled}
          onChange={(v) => setModel({ size: Number(v) })}
        />
        <SelectField
          label="Bottleneck"
          hint="Spatial keeps a small code per cell of the smallest feature map: it finds a grid or a texture at any offset (tiles, fabrics, printed patterns). Dense squeezes the whole image into one vector: it measured better on photographs of natural textures."
          value={model.bottleneck}
          choices={BOTTLENECK_CHOICES.map((c) => ({ value: c.id, label: c.label }))}
          disabled={disabled}
          onChange={(v) => {
            // The latent size means another thing per bottleneck: each choice brings its own.
            const choice = BOTTLENECK_CHOICES.find((c) => c.id === v);
            if (choice) setModel({ bottleneck: choice.id, latent: choice.latent });
          }}
        />
        <NumberField label={model.bottleneck === 'spatial' ? 'Latent channels per cell' : 'Latent size'} value={model.latent} {...RANGES.latent} disabled={disabled} onChange={(v) => setModel({ latent: v })} />
        <NumberField label="Filters" value={model.width} {...RANGES.width} disabled={disabled} onChange={(v) => setModel({ width: v })} />
        <SelectField
          label="Smallest feature map"
          value={String(model.bottom)}
          choices={BOTTOM_SIZES.map((b) => ({ value: String(b), label: b === 0 ? 'Auto (16 px up to 64 px images, 8 px above)' : `${b}×${b} px` }))}
          disabled={disabled}
          onChange={(v) => setModel({ bottom: Number(v) })}
        />
        <SelectField
          label="Reconstruction error"
          value={reconstructionChoice(model.reconstruction)}
          choices={RECONSTRUCTION_CHOICES.map((c) => ({ value: c.id, label: c.label }))}
          disabled={disabled}
          onChange={(v) => {
            const choice = RECONSTRUCTION_CHOICES.find((c) => c.id === v);
            if (choice) setModel({ reconstruction: choice.term });
          }}
        />
        <NumberField label="Epochs" value={train.epochs} {...RANGES.epochs} disabled={disabled} onChange={(v) => setTrain({ epochs: v })} />
        <NumberField
          label="Time budget, minutes (0 = none)"
          value={(train.timeBudgetSec ?? 0) / 60}
          {...RANGES.budgetMin}
          disabled={disabled}
          onChange={(v) => setTrain({ timeBudgetSec: Math.round(v * 60) })}
        />
        <NumberField label="Stop after epochs without a better validation loss (0 = off)" value={train.patience ?? 0} {...RANGES.patience} disabled={disabled} onChange={(v) => setTrain({ patience: v })} />
        <SelectField
          label="Learning-rate schedule"
          value={train.schedule ?? 'constant'}
          choices={SCHEDULE_CHOICES}
          disabled={disabled}
          onChange={(v) => setTrain({ schedule: v === 'cosine' ? 'cosine' : 'constant' })}
        />
        <NumberField label="Batch size" value={train.batchSize} {...RANGES.batchSize} disabled={disabled} onChange={(v) => setTrain({ batchSize: v })} />
        <NumberField label="Learning rate" value={train.learningRate} min={1e-6} max={1} step="any" disabled={disabled} onChange={(v) => setTrain({ learningRate: v })} />
        <NumberField label="KL weight β" value={train.beta} min={0} max={10} step="any" disabled={disabled} onChange={(v) => setTrain({ beta: v })} />
        <NumberField
          label="Denoising noise (0 = off)"
          hint="The model learns to give back the clean image from one with smooth blotches of noise (standard deviation given, one value per 8 × 8 pixels), so it does not copy local blemishes. 0.2 helps the spatial bottleneck."
          value={train.denoise ?? 0}
          {...RANGES.denoise}
          disabled={disabled}
          onChange={(v) => setTrain({ denoise: v })}
        />
        <NumberField label="Held out" value={train.validationSplit} min={0} max={0.5} step={0.05} disabled={disabled} onChange={(v) => setTrain({ validationSplit: v })} />
        <label className="check">
          <input type="checkbox" checked={train.augment.flips} disabled={disabled} onChange={(e) => setTrain({ augment: { ...train.augment, flips: e.currentTarget.checked } })} />
          Random flips
        </label>
        <label className="check">
          <input type="checkbox" checked={train.augment.rot90} disabled={disabled} onChange={(e) => setTrain({ augment: { ...train.augment, rot90: e.currentTarget.checked } })} />
          Rotations by 90°
        </label>
      </div>
    </details>
  );
}
