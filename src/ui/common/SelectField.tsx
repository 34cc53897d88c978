/** A labelled select in a settings grid: the choices' values are strings; the caller maps them back. */
import { useId } from 'react';

interface Props {
  label: string;
  value: string;
  choices: readonly { value: string; label: string }[];
  onChange(value: string): void;
  disabled?: boolean;
  hint?: string;
}

export function SelectField({ label, value, choices, onChange, disabled, hint }: Props) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} title={hint} onChange={(e) => onChange(e.currentTarget.value)}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}
