/** A progress bar with its line of text, for work whose progress the store holds (batch scores, tiles). */
import type { ReactNode } from 'react';

interface Props {
  /** Accessible name of the bar, e.g. "Batch progress". */
  label: string;
  /** 0 to 100. */
  pct: number;
  className?: string;
  /** Attributes of the text (its test id and state for the end-to-end tests). */
  textProps?: Record<`data-${string}`, string | boolean>;
  children: ReactNode;
}

export function ProgressLine({ label, pct, className, textProps, children }: Props) {
  return (
    <div className={className ? `progress-wrap ${className}` : 'progress-wrap'}>
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text" {...textProps}>
        {children}
      </span>
    </div>
  );
}
