/** Training settings: a one-line summary, everything else under "Advanced". */
import { useId } from 'react';
import { BOTTLENECK_CHOICES, BOTTOM_SIZES, RANGES, RECONSTRUCTION_CHOICES, reconstructionChoice, WORKING_SIZES } from '../../store/defaults';
import { formatDuration } from '../messages';
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

export function TrainSettings() {
  const { store } = useServices();
  const settings = useApp((s) => s.settings);
  const disabled = useApp((s) => s.training.kind === 'running');
  const sizeId = useId();
  const reconId = useId();
  const bottomId = useId();
  const bottleneckId = useId();
  const scheduleId = useId();
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
        <div className="field">
          <label htmlFor={sizeId}>Working size</label>
          <select id={sizeId} value={model.size} disabled={disabled} onChange={(e) => setModel({ size: Number(e.currentTarget.value) })}>
            {WORKING_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}×{s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={bottleneckId}>Bottleneck</label>
          <select
            id={bottleneckId}
            title="Spatial keeps a small code per cell of the smallest feature map: it finds a grid or a texture at any offset (tiles, fabrics, printed patterns). Dense squeezes the whole image into one vector: it measured better on photographs of natural textures."
            value={model.bottleneck}
            disabled={disabled}
            onChange={(e) => {
              // The latent size means another thing per bottleneck: each choice brings its own.
              const choice = BOTTLENECK_CHOICES.find((c) => c.id === e.currentTarget.value);
              if (choice) setModel({ bottleneck: choice.id, latent: choice.latent });
            }}
          >
            {BOTTLENECK_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <NumberField label={model.bottleneck === 'spatial' ? 'Latent channels per cell' : 'Latent size'} value={model.latent} {...RANGES.latent} disabled={disabled} onChange={(v) => setModel({ latent: v })} />
        <NumberField label="Filters" value={model.width} {...RANGES.width} disabled={disabled} onChange={(v) => setModel({ width: v })} />
        <div className="field">
          <label htmlFor={bottomId}>Smallest feature map</label>
          <select id={bottomId} value={model.bottom} disabled={disabled} onChange={(e) => setModel({ bottom: Number(e.currentTarget.value) })}>
            {BOTTOM_SIZES.map((b) => (
              <option key={b} value={b}>
                {b === 0 ? 'Auto (16 px up to 64 px images, 8 px above)' : `${b}×${b} px`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={reconId}>Reconstruction error</label>
          <select
            id={reconId}
            value={reconstructionChoice(model.reconstruction)}
            disabled={disabled}
            onChange={(e) => {
              const choice = RECONSTRUCTION_CHOICES.find((c) => c.id === e.currentTarget.value);
              if (choice) setModel({ reconstruction: choice.term });
            }}
          >
            {RECONSTRUCTION_CHOICES.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <NumberField label="Epochs" value={train.epochs} {...RANGES.epochs} disabled={disabled} onChange={(v) => setTrain({ epochs: v })} />
        <NumberField
          label="Time budget, minutes (0 = none)"
          value={(train.timeBudgetSec ?? 0) / 60}
          {...RANGES.budgetMin}
          disabled={disabled}
          onChange={(v) => setTrain({ timeBudgetSec: Math.round(v * 60) })}
        />
        <NumberField label="Stop after epochs without a better validation loss (0 = off)" value={train.patience ?? 0} {...RANGES.patience} disabled={disabled} onChange={(v) => setTrain({ patience: v })} />
        <div className="field">
          <label htmlFor={scheduleId}>Learning-rate schedule</label>
          <select id={scheduleId} value={train.schedule ?? 'constant'} disabled={disabled} onChange={(e) => setTrain({ schedule: e.currentTarget.value === 'cosine' ? 'cosine' : 'constant' })}>
            <option value="constant">Constant</option>
            <option value="cosine">Warm-up, then cosine decay</option>
          </select>
        </div>
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
