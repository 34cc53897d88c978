import { describe, expect, it } from 'vitest';
import { colormapLut } from './colormap';
import { formatValue, legendBar, legendTicks } from './legend';
import { contourMask } from './contour';
import { colorizeField, composeOverlay, heatLayer } from './overlay';

const gray = (w: number, h: number, v: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4).fill(v) });

describe('composeOverlay', () => {
  const lut = colormapLut('inferno');

  it('leaves the base untouched where the map is zero', () => {
    const out = composeOverlay(gray(4, 4, 120), { width: 2, height: 2, data: new Float32Array(4) }, { lut, scaleMax: 1, opacity: 1 });
    expect(Array.from(out.data.slice(0, 4))).toEqual([120, 120, 120, 255]);
  });

  it('paints the hottest colour at full opacity where the map saturates, upsampled to the base size', () => {
    const out = composeOverlay(gray(4, 4, 0), { width: 1, height: 1, data: Float32Array.from([5]) }, { lut, scaleMax: 1, opacity: 1 });
    expect(out.width).toBe(4);
    expect(Array.from(out.data.slice(60, 63))).toEqual([lut[765], lut[766], lut[767]]);
  });

  it('uses the fixed scale: the same value looks cooler on a larger scale', () => {
    const map = { width: 1, height: 1, data: Float32Array.from([0.5]) };
    const hot = composeOverlay(gray(1, 1, 0), map, { lut, scaleMax: 0.5, opacity: 1 });
    const cool = composeOverlay(gray(1, 1, 0), map, { lut, scaleMax: 4, opacity: 1 });
    expect(hot.data[0] ?? 0).toBeGreaterThan(cool.data[0] ?? 0);
  });

  it('draws the threshold contour in its colour around the hot region', () => {
    const data = new Float32Array(25);
    for (const p of [6, 7, 8, 11, 12, 13, 16, 17, 18]) data[p] = 1;
    const out = composeOverlay(gray(5, 5, 50), { width: 5, height: 5, data }, { lut, scaleMax: 1, opacity: 0, threshold: 0.5, contourColor: [1, 2, 3] });
    expect(Array.from(out.data.slice(6 * 4, 6 * 4 + 3))).toEqual([1, 2, 3]);
    expect(Array.from(out.data.slice(12 * 4, 12 * 4 + 3))).toEqual([50, 50, 50]);
    expect(Array.from(out.data.slice(0, 3))).toEqual([50, 50, 50]);
  });

  it('draws the contour on the contour field when given (the score map), not on the map', () => {
    const data = new Float32Array(25).fill(0.2);
    const contour = new Float32Array(25);
    for (const p of [6, 7, 8, 11, 12, 13, 16, 17, 18]) contour[p] = 1;
    const opts = { lut, scaleMax: 1, opacity: 0, threshold: 0.5, contourColor: [1, 2, 3] as const };
    const none = composeOverlay(gray(5, 5, 50), { width: 5, height: 5, data }, opts);
    expect(Array.from(none.data.slice(6 * 4, 6 * 4 + 3))).toEqual([50, 50, 50]);
    const out = composeOverlay(gray(5, 5, 50), { width: 5, height: 5, data }, { ...opts, contour: { width: 5, height: 5, data: contour } });
    expect(Array.from(out.data.slice(6 * 4, 6 * 4 + 3))).toEqual([1, 2, 3]);
    expect(Array.from(out.data.slice(12 * 4, 12 * 4 + 3))).toEqual([50, 50, 50]);
  });
});

describe('heatLayer', () => {
  const lut = colormapLut('turbo');

  it('is see-through where the map is cold and reaches the opacity from half the scale', () => {
    const map = { width: 4, height: 1, data: Float32Array.from([0, 0.25, 0.5, 3]) };
    const heat = heatLayer(map, { lut, scaleMax: 1, opacity: 0.8 });
    expect([3, 7, 11, 15].map((i) => heat.data[i])).toEqual([0, Math.round(0.4 * 255), 204, 204]);
    // The hottest colour where the value passes the scale.
    expect(Array.from(heat.data.slice(12, 15))).toEqual([lut[765], lut[766], lut[767]]);
  });

  it('blended over the image as a canvas does, gives the composed overlay to within rounding', () => {
    let s = 3;
    const rand = () => ((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296);
    const map = { width: 6, height: 5, data: Float32Array.from({ length: 30 }, () => rand() * 0.1) };
    const base = { width: 6, height: 5, data: Uint8ClampedArray.from({ length: 120 }, () => Math.floor(rand() * 256)) };
    const opts = { lut, scaleMax: 0.07, opacity: 0.7 };
    const heat = heatLayer(map, opts);
    const composed = composeOverlay(base, map, opts);
    for (let p = 0; p < 30; p++) {
      const a = heat.data[p * 4 + 3]! / 255;
      for (let ch = 0; ch < 3; ch++) {
        const blended = base.data[p * 4 + ch]! * (1 - a) + heat.data[p * 4 + ch]! * a;
        expect(Math.abs(blended - composed.data[p * 4 + ch]!)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('contourMask', () => {
  it('marks only the boundary of the region above the threshold', () => {
    const field = Float32Array.from([0, 0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(contourMask(field, 3, 3, 0.5))).toEqual([0, 0, 0, 0, 1, 1, 0, 1, 1]);
    const big = new Float32Array(25).fill(1);
    expect(contourMask(big, 5, 5, 0.5)[12]).toBe(0);
    expect(contourMask(big, 5, 5, 0.5)[0]).toBe(1);
  });
});

describe('colorizeField and legend', () => {
  it('colourises on the fixed scale', () => {
    const lut = colormapLut('gray');
    const out = colorizeField({ width: 2, height: 1, data: Float32Array.from([0, 2]) }, lut, 2);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('the legend bar runs from the first to the last colour', () => {
    const lut = colormapLut('gray');
    const bar = legendBar(lut, 10, 2);
    expect(bar.data[0]).toBe(0);
    expect(bar.data[9 * 4]).toBe(255);
  });

  it('ticks span 0..scaleMax with short labels', () => {
    const ticks = legendTicks(0.2, 3);
    expect(ticks.map((t) => t.label)).toEqual(['0', '0.1', '0.2']);
    expect(formatValue(123456)).toBe('1.2e+5');
    expect(formatValue(0.012345)).toBe('0.0123');
  });
});
