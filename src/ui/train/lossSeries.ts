import type uPlot from 'uplot';
import type { AppState } from '../../store';

/** Aligns per-step training points and per-epoch validation points on one x axis (epochs). */
export function lossSeries(s: Pick<AppState, 'steps' | 'history'>): uPlot.AlignedData {
  const byX = new Map<number, [number | null, number | null]>();
  for (const p of s.steps) byX.set(p.x, [p.loss, byX.get(p.x)?.[1] ?? null]);
  for (const h of s.history) byX.set(h.epoch, [byX.get(h.epoch)?.[0] ?? h.loss, h.valLoss]);
  const xs = [...byX.keys()].sort((a, b) => a - b);
  return [xs, xs.map((x) => byX.get(x)?.[0] ?? null), xs.map((x) => byX.get(x)?.[1] ?? null)];
}
