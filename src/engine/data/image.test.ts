import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import type { FloatImage, PixelImage } from '../types';
import { MAX_PIXELS, detectChannels, maskFromPixels, pixelsToFloat, randomCrop, resizeFloat, toFloatImage, validatePixelImage } from './image';
import { mulberry32 } from './random';

function px(width: number, height: number, channels: PixelImage['channels'], values: number[]): PixelImage {
  return { width, height, channels, data: Uint8Array.from(values) };
}

function float(width: number, height: number, values: number[]): FloatImage {
  return { width, height, channels: 1, data: Float32Array.from(values) };
}

function errorCode(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return isEngineError(e) ? e.code : 'not-an-engine-error';
  }
}

describe('toFloatImage colour conversion', () => {
  it('composites alpha on white', () => {
    const img = px(3, 1, 4, [0, 0, 0, 0, 0, 0, 0, 255, 100, 50, 0, 128]);
    const out = toFloatImage(img, { size: 3, channels: 3 }).data;
    const a = 128 / 255;
    expect(Array.from(out.subarray(0, 6))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(out[6]).toBeCloseTo((100 * a + 255 * (1 - a)) / 255, 6);
    expect(out[7]).toBeCloseTo((50 * a + 255 * (1 - a)) / 255, 6);
    expect(out[8]).toBeCloseTo(1 - a, 6);
  });

  it('composites gray + alpha on white', () => {
    const out = toFloatImage(px(2, 1, 2, [0, 0, 51, 255]), { size: 2, channels: 1 }).data;
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(0.2, 6);
  });

  it('converts RGB to gray with Rec.601 luma, and keeps exact grays exact', () => {
    const out = toFloatImage(px(4, 1, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 77, 77, 77]), { size: 4, channels: 1 });
    expect(out.channels).toBe(1);
    expect(out.data[0]).toBeCloseTo(0.299, 6);
    expect(out.data[1]).toBeCloseTo(0.587, 6);
    expect(out.data[2]).toBeCloseTo(0.114, 6);
    expect(out.data[3]).toBe(Math.fround(77 / 255));
  });

  it('replicates gray into RGB', () => {
    const out = toFloatImage(px(2, 1, 1, [0, 102]), { size: 2, channels: 3 });
    // The 2 x 1 image becomes 2 x 2 (rows repeat).
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0.4, 0.4, 0.4, 0, 0, 0, 0.4, 0.4, 0.4].map(Math.fround));
  });
});

describe('resizing', () => {
  it('area-averages a one-pixel checkerboard to exact mid gray', () => {
    const values = Array.from({ length: 64 }, (_, i) => (((i % 8) + Math.floor(i / 8)) % 2) * 255);
    const out = toFloatImage(px(8, 8, 1, values), { size: 4, channels: 1 });
    expect(Array.from(out.data)).toEqual(new Array(16).fill(0.5));
  });

  it('weights partly covered pixels by their coverage (3 -> 2)', () => {
    // Every row is [0, 0.6, 1]; destination pixel 0 covers source [0, 1.5).
    const out = resizeFloat(float(3, 3, [0, 0.6, 1, 0, 0.6, 1, 0, 0.6, 1]), 2, 2);
    expect(out.data[0]).toBeCloseTo((0 + 0.5 * 0.6) / 1.5, 6);
    expect(out.data[1]).toBeCloseTo((0.5 * 0.6 + 1) / 1.5, 6);
    expect(out.data[2]).toBeCloseTo(out.data[0] as number, 6);
  });

  it('keeps the mean when downscaling by a fractional factor', () => {
    const rng = mulberry32(5);
    const src = float(13, 7, Array.from({ length: 91 }, () => rng()));
    const out = resizeFloat(src, 5, 3);
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out.data)).toBeCloseTo(mean(src.data), 5);
  });

  it('upscales bilinearly with half-pixel centres', () => {
    const out = resizeFloat(float(2, 1, [0, 1]), 4, 1);
    expect(Array.from(out.data)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('returns the same values at the same size', () => {
    const src = float(3, 2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(Array.from(resizeFloat(src, 3, 2).data)).toEqual(Array.from(src.data));
  });

  it("'crop' takes the centred square, 'resize' squashes the whole image", () => {
    // 6 x 4: a black column at each side of a white 4 x 4 centre.
    const values = Array.from({ length: 24 }, (_, i) => (i % 6 === 0 || i % 6 === 5 ? 0 : 255));
    const img = px(6, 4, 1, values);
    const cropped = toFloatImage(img, { size: 4, channels: 1, fit: 'crop' });
    expect(Array.from(cropped.data)).toEqual(new Array(16).fill(1));
    const squashed = toFloatImage(img, { size: 4, channels: 1 });
    expect(squashed.data[0]).toBeLessThan(1);
    expect(squashed.data[5]).toBe(1);
  });
});

describe('validation', () => {
  it('rejects a data length that does not match the dimensions', () => {
    expect(errorCode(() => validatePixelImage(px(2, 2, 3, [1, 2, 3])))).toBe('bad-image');
    expect(errorCode(() => toFloatImage(px(2, 2, 1, [1, 2, 3]), { size: 2, channels: 1 }))).toBe('bad-image');
  });

  it('rejects zero or fractional dimensions', () => {
    expect(errorCode(() => validatePixelImage(px(0, 2, 1, [])))).toBe('bad-image');
    expect(errorCode(() => validatePixelImage({ width: 1.5, height: 2, channels: 1, data: new Uint8Array(3) }))).toBe('bad-image');
  });

  it('rejects images over MAX_PIXELS before looking at the data', () => {
    const huge: PixelImage = { width: MAX_PIXELS, height: 2, channels: 1, data: new Uint8Array(1) };
    expect(errorCode(() => validatePixelImage(huge))).toBe('image-too-large');
  });

  it('rejects a bad working size', () => {
    expect(errorCode(() => toFloatImage(px(1, 1, 1, [0]), { size: 0, channels: 1 }))).toBe('invalid-argument');
  });
});

describe('detectChannels', () => {
  it('is 1 when every image is gray, 3 when any pixel has colour', () => {
    const gray = px(2, 1, 1, [0, 9]);
    const grayRgb = px(2, 1, 4, [5, 5, 5, 255, 7, 7, 7, 0]);
    const colour = px(2, 1, 3, [5, 5, 5, 7, 7, 8]);
    expect(detectChannels([gray, grayRgb])).toBe(1);
    expect(detectChannels([gray, colour])).toBe(3);
    expect(detectChannels([px(1, 1, 2, [3, 4])])).toBe(1);
    // Colour hidden under alpha 0 is composited to white, so it does not count.
    expect(detectChannels([px(2, 1, 4, [255, 0, 0, 0, 9, 9, 9, 255])])).toBe(1);
    expect(detectChannels([px(2, 1, 4, [255, 0, 0, 1, 9, 9, 9, 255])])).toBe(3);
  });
});

describe('randomCrop', () => {
  const src = float(8, 8, Array.from({ length: 64 }, (_, i) => i / 63));

  it('with rng = 0 takes the smallest crop (half the side) at the top-left corner', () => {
    const out = randomCrop(src, 4, () => 0);
    const expected = [0, 1, 2, 3].flatMap((y) => [0, 1, 2, 3].map((x) => src.data[y * 8 + x] as number));
    expect(Array.from(out.data)).toEqual(expected);
  });

  it('is reproducible per seed and varies between seeds', () => {
    const a = randomCrop(src, 4, mulberry32(1));
    const b = randomCrop(src, 4, mulberry32(1));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const others = [2, 3, 4, 5].map((s) => Array.from(randomCrop(src, 4, mulberry32(s)).data).join());
    expect(new Set([Array.from(a.data).join(), ...others]).size).toBeGreaterThan(1);
  });
});

describe('maskFromPixels', () => {
  it('thresholds at 127 and resizes by nearest neighbour', () => {
    const img = px(4, 2, 1, [200, 200, 0, 128, 200, 200, 127, 0]);
    expect(Array.from(maskFromPixels(img, 4, 2).data)).toEqual([1, 1, 0, 1, 1, 1, 0, 0]);
    // Destination pixels sample the source at (1, 1) and (3, 1).
    expect(Array.from(maskFromPixels(img, 2, 1).data)).toEqual([1, 0]);
  });

  it('treats transparent pixels as normal', () => {
    const img = px(2, 1, 4, [255, 255, 255, 0, 255, 255, 255, 255]);
    expect(Array.from(maskFromPixels(img, 2, 1).data)).toEqual([0, 1]);
  });
});

describe('pixelsToFloat', () => {
  it('gives what a resample to the same size gives, for every source and output channel count', () => {
    const rng = mulberry32(7);
    for (const src of [1, 2, 3, 4] as const) {
      const [width, height] = [13, 9];
      const img: PixelImage = { width, height, channels: src, data: Uint8ClampedArray.from({ length: width * height * src }, () => Math.floor(rng() * 256)) };
      for (const channels of [1, 3] as const) {
        // toFloatImage at the image's own (square) size resamples; a square image compares directly.
        const square: PixelImage = { width: 9, height: 9, channels: src, data: img.data.slice(0, 81 * src) };
        expect(pixelsToFloat(square, channels).data).toEqual(toFloatImage(square, { size: 9, channels }).data);
        const own = pixelsToFloat(img, channels);
        expect([own.width, own.height, own.channels, own.data.length]).toEqual([width, height, channels, width * height * channels]);
        expect(own.data.every((v) => v >= 0 && v <= 1)).toBe(true);
        // RGB to RGB, no alpha: each value its byte over 255, in place, on a 13 x 9 image.
        if (src === 3 && channels === 3) expect(Array.from(own.data)).toEqual(Array.from(img.data, (b) => Math.fround(b / 255)));
      }
    }
  });
});
