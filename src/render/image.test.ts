import { describe, expect, it } from 'vitest';
import { fitSize, floatToRgba, isUniform, resampleField, resampleRgba } from './image';

describe('floatToRgba', () => {
  it('expands gray to RGB and scales to bytes, opaque', () => {
    const out = floatToRgba({ width: 2, height: 1, channels: 1, data: Float32Array.from([0, 1]) });
    expect(Array.from(out.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('keeps colour channels apart', () => {
    const out = floatToRgba({ width: 1, height: 1, channels: 3, data: Float32Array.from([1, 0.5, 0]) });
    expect(Array.from(out.data)).toEqual([255, 128, 0, 255]);
  });
});

describe('resampleField', () => {
  it('keeps a constant field constant and the size asked for', () => {
    const out = resampleField({ width: 3, height: 2, data: new Float32Array(6).fill(0.7) }, 7, 5);
    expect(out.length).toBe(35);
    out.forEach((v) => expect(v).toBeCloseTo(0.7, 6));
  });

  it('interpolates between neighbours when upsampling', () => {
    const out = resampleField({ width: 2, height: 1, data: Float32Array.from([0, 1]) }, 4, 1);
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo(0.25, 6);
    expect(out[2]).toBeCloseTo(0.75, 6);
    expect(out[3]).toBeCloseTo(1, 6);
  });
});

describe('resampleRgba and helpers', () => {
  it('nearest upsampling copies pixels into blocks', () => {
    const src = { width: 2, height: 1, data: Uint8ClampedArray.from([10, 20, 30, 255, 200, 100, 50, 255]) };
    const out = resampleRgba(src, 4, 2, false);
    expect(Array.from(out.data.slice(0, 8))).toEqual([10, 20, 30, 255, 10, 20, 30, 255]);
    expect(Array.from(out.data.slice(24, 32))).toEqual([200, 100, 50, 255, 200, 100, 50, 255]);
  });

  it('fitSize keeps the aspect ratio and never upscales', () => {
    expect(fitSize(4000, 2000, 1000)).toEqual({ width: 1000, height: 500 });
    expect(fitSize(30, 20, 1000)).toEqual({ width: 30, height: 20 });
  });

  it('isUniform tells a blank image from a drawn one', () => {
    const blank = { width: 2, height: 2, data: new Uint8ClampedArray(16).fill(9) };
    expect(isUniform(blank)).toBe(true);
    blank.data[5] = 10;
    expect(isUniform(blank)).toBe(false);
  });
});
