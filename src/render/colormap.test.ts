import { describe, expect, it } from 'vitest';
import { COLORMAPS, colormapLut, lutIndex } from './colormap';

/** Matplotlib's inferno at 0, 0.25, 0.5, 0.75, 1 (the usual 5-stop hex values). */
const INFERNO_STOPS: [number, [number, number, number]][] = [
  [0, [0, 0, 4]],
  [0.25, [87, 16, 110]],
  [0.5, [188, 55, 84]],
  [0.75, [249, 142, 9]],
  [1, [252, 255, 164]],
];

function entry(lut: Uint8ClampedArray, t: number): number[] {
  const i = Math.round(t * 255) * 3;
  return [lut[i] ?? -1, lut[i + 1] ?? -1, lut[i + 2] ?? -1];
}

describe('colormapLut', () => {
  it('inferno follows matplotlib within a few levels', () => {
    const lut = colormapLut('inferno');
    for (const [t, rgb] of INFERNO_STOPS) {
      entry(lut, t).forEach((v, c) => expect(Math.abs(v - (rgb[c] ?? 0))).toBeLessThanOrEqual(8));
    }
  });

  it('inferno brightens monotonically (luminance), so hotter reads brighter', () => {
    const lut = colormapLut('inferno');
    let prev = -1;
    for (let i = 0; i < 256; i += 8) {
      const [r, g, b] = entry(lut, i / 255) as [number, number, number];
      const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      expect(lum).toBeGreaterThanOrEqual(prev - 1);
      prev = lum;
    }
  });

  it('turbo runs from dark blue through green to dark red', () => {
    const lut = colormapLut('turbo');
    const [r0, , b0] = entry(lut, 0.15) as number[];
    const [, g5] = entry(lut, 0.5) as number[];
    const [r1, , b1] = entry(lut, 1) as number[];
    expect(b0).toBeGreaterThan(r0 ?? 0);
    expect(g5).toBeGreaterThan(200);
    expect(r1).toBeGreaterThan(b1 ?? 0);
  });

  it('every map has 256 RGB entries and gray is the identity', () => {
    for (const name of COLORMAPS) expect(colormapLut(name).length).toBe(768);
    expect(entry(colormapLut('gray'), 100 / 255)).toEqual([100, 100, 100]);
  });
});

describe('lutIndex', () => {
  it('maps a fixed scale, saturating past the end and at zero or below', () => {
    expect(lutIndex(0, 2)).toBe(0);
    expect(lutIndex(-1, 2)).toBe(0);
    expect(lutIndex(1, 2)).toBe(127);
    expect(lutIndex(2, 2)).toBe(255);
    expect(lutIndex(10, 2)).toBe(255);
    expect(lutIndex(1, 0)).toBe(0);
  });
});
