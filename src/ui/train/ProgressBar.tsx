/** Training progress: fed by subscription into refs (no re-render per step). */
import { useEffect, useRef } from 'react';
import type { TrainProgress } from '../../engine/types';
import type { AppState } from '../../store';
import { formatDuration } from '../messages';
import { useServices } from '../context';
import { calibrationProgress } from './progressText';

function describe(p: TrainProgress | null, s: AppState): { fraction: number; text: string } {
  const t = s.training;
  if (t.kind === 'running' && t.phase === 'calibrating') return calibrationProgress(t.calibration);
  if (t.kind === 'failed') return { fraction: 0, text: 'Training failed (see the message at the top); any earlier model is kept' };
  if (t.kind === 'finished') return { fraction: 1, text: finishedText(t) };
  if (!p) return { fraction: 0, text: t.kind === 'running' ? 'Preparing…' : s.model ? 'Not trained in this session: the model below was loaded.' : 'Not trained yet' };
  const budget = p.budgetMs ? ` (budget ${formatDuration(p.budgetMs)})` : '';
  const text = `Epoch ${p.epoch}/${p.epochs}${budget} · ${p.imagesPerSec.toFixed(1)} img/s · ETA ${formatDuration(p.etaMs)}`;
  return { fraction: p.fraction, text };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function finishedText(t: Extract<AppState['training'], { kind: 'finished' }>): string {
  const n = plural(t.epochsDone, 'epoch');
  const why = {
    epochs: `Done: ${n}`,
    budget: `Time budget reached after ${n}`,
    patience: `Stopped early after ${n}: the held-out loss stopped falling`,
    stop: `Stopped after ${n}`,
    diverged: `Stopped after ${n} (diverged)`,
  }[t.endedBy];
  const kept = t.bestEpoch !== null && t.bestEpoch !== t.epochsDone ? ` · kept epoch ${t.bestEpoch}, the best on held-out images` : '';
  return why + kept;
}

export function ProgressBar() {
  const { store } = useServices();
  const bar = useRef<HTMLDivElement>(null);
  const label = useRef<HTMLSpanElement>(null);
  const meter = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const paint = (s: AppState) => {
      const { fraction, text } = describe(s.progress, s);
      const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
      if (bar.current) bar.current.style.width = `${pct}%`;
      if (label.current) label.current.textContent = text;
      meter.current?.setAttribute('aria-valuenow', String(pct));
    };
    paint(store.getState());
    return store.subscribe((s, prev) => {
      if (s.progress !== prev.progress || s.training !== prev.training || s.model !== prev.model) paint(s);
    });
  }, [store]);
  return (
    <div className="progress-wrap">
      <div ref={meter} className="progress" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={0}>
        <div ref={bar} className="progress-bar" />
      </div>
      <span ref={label} className="progress-text" data-testid="train-progress" />
    </div>
  );
}
