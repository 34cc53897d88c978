/** A labelled range input with its value beside it; keyboard steps come with the native control. */
import { useId } from 'react';

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange(v: number): void;
  format?(v: number): string;
  disabled?: boolean;
  hint?: string;
}

export function Slider({ label, value, min, max, step, onChange, format = String, disabled, hint }: Props) {
  const id = useId();
  return (
    <div className="slider" title={hint}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
      />
      <output htmlFor={id}>{format(value)}</output>
    </div>
  );
}
