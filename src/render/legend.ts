import type { Lut } from './colormap';
import { createRgba, type Rgba } from './types';

/** A horizontal colour bar, left = 0, right = scaleMax. */
export function legendBar(lut: Lut, width: number, height: number): Rgba {
  const out = createRgba(width, height);
  for (let x = 0; x < width; x++) {
    const li = Math.round((x / Math.max(1, width - 1)) * 255) * 3;
    for (let y = 0; y < height; y++) {
      const o = (y * width + x) * 4;
      out.data[o] = lut[li] ?? 0;
      out.data[o + 1] = lut[li + 1] ?? 0;
      out.data[o + 2] = lut[li + 2] ?? 0;
      out.data[o + 3] = 255;
    }
  }
  return out;
}

/** Tick values for a 0..scaleMax legend: `count` evenly spaced, with labels short enough to fit. */
export function legendTicks(scaleMax: number, count = 5): { value: number; label: string; at: number }[] {
  const ticks: { value: number; label: string; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    const at = count === 1 ? 0 : i / (count - 1);
    const value = scaleMax * at;
    ticks.push({ value, label: formatValue(value), at });
  }
  return ticks;
}

/** Compact number for scores and legends: 3 significant digits, no exponent for usual ranges. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 0.001) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}
