import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import type { AugmentConfig, FloatImage } from '../types';
import { augmentInto, batchView, flipH, flipV, rot90, shiftWrap, stackImages } from './augment';
import { mulberry32 } from './random';

const SIZE = 4;
const C = 3;

/** A batch whose every value is distinct, so any permutation is visible. */
function batch(n: number): Float32Array {
  return Float32Array.from({ length: n * SIZE * SIZE * C }, (_, i) => i / 1000);
}

/** The pixels of image i as strings 'r,g,b', sorted: equal when pixels were only moved, channels kept together. */
function pixelMultiset(data: Float32Array, i: number): string[] {
  const len = SIZE * SIZE * C;
  const out: string[] = [];
  for (let p = i * len; p < (i + 1) * len; p += C) out.push(Array.from(data.subarray(p, p + C)).join(','));
  return out.sort();
}

function at(data: Float32Array, x: number, y: number): number[] {
  const p = (y * SIZE + x) * C;
  return Array.from(data.subarray(p, p + C));
}

describe('single-image operations', () => {
  it('flipping twice is the identity, once is not', () => {
    for (const flip of [flipH, flipV]) {
      const data = batch(1);
      const v = batchView(data, 0, SIZE, C);
      flip(v);
      expect(Array.from(data)).not.toEqual(Array.from(batch(1)));
      flip(v);
      expect(Array.from(data)).toEqual(Array.from(batch(1)));
    }
  });

  it('flipH mirrors columns and flipV mirrors rows', () => {
    const orig = batch(1);
    const h = batch(1);
    flipH(batchView(h, 0, SIZE, C));
    expect(at(h, 0, 1)).toEqual(at(orig, SIZE - 1, 1));
    const v = batch(1);
    flipV(batchView(v, 0, SIZE, C));
    expect(at(v, 1, 0)).toEqual(at(orig, 1, SIZE - 1));
  });

  it('rot90 four times is the identity; once moves the top-right corner to the top-left', () => {
    const data = batch(1);
    const v = batchView(data, 0, SIZE, C);
    rot90(v);
    expect(at(data, 0, 0)).toEqual(at(batch(1), SIZE - 1, 0));
    rot90(v);
    rot90(v);
    rot90(v);
    expect(Array.from(data)).toEqual(Array.from(batch(1)));
  });

  it('shiftWrap moves pixels with wrap-around and keeps the multiset of pixels', () => {
    const data = batch(1);
    shiftWrap(batchView(data, 0, SIZE, C), 1, -1);
    expect(at(data, 1, 0)).toEqual(at(batch(1), 0, 1));
    expect(at(data, 0, SIZE - 1)).toEqual(at(batch(1), SIZE - 1, 0));
    expect(pixelMultiset(data, 0)).toEqual(pixelMultiset(batch(1), 0));
  });
});

describe('augmentInto', () => {
  const all: AugmentConfig = { flips: true, rot90: true, maxShift: 2 };

  it('changes nothing when every augmentation is off', () => {
    const data = batch(3);
    augmentInto(data, 3, SIZE, C, { flips: false, rot90: false, maxShift: 0 }, mulberry32(1));
    expect(Array.from(data)).toEqual(Array.from(batch(3)));
  });

  it('only moves whole pixels within each image', () => {
    const data = batch(5);
    augmentInto(data, 5, SIZE, C, all, mulberry32(2));
    expect(Array.from(data)).not.toEqual(Array.from(batch(5)));
    for (let i = 0; i < 5; i++) expect(pixelMultiset(data, i)).toEqual(pixelMultiset(batch(5), i));
  });

  it('equals the single-image operations applied in turn with the same draws', () => {
    const n = 12;
    const data = batch(n);
    augmentInto(data, n, SIZE, C, { flips: true, rot90: true, maxShift: 0 }, mulberry32(5));
    const want = batch(n);
    const rng = mulberry32(5);
    for (let i = 0; i < n; i++) {
      const v = batchView(want, i, SIZE, C);
      if (rng() < 0.5) flipH(v);
      if (rng() < 0.5) flipV(v);
      const k = Math.floor(rng() * 4);
      for (let r = 0; r < k; r++) rot90(v);
    }
    expect(Array.from(data)).toEqual(Array.from(want));
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = batch(4);
    const b = batch(4);
    const c = batch(4);
    augmentInto(a, 4, SIZE, C, all, mulberry32(7));
    augmentInto(b, 4, SIZE, C, all, mulberry32(7));
    augmentInto(c, 4, SIZE, C, all, mulberry32(8));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('leaves images after the first n untouched and rejects a short batch', () => {
    const data = batch(3);
    augmentInto(data, 2, SIZE, C, all, mulberry32(3));
    const len = SIZE * SIZE * C;
    expect(Array.from(data.subarray(2 * len))).toEqual(Array.from(batch(3).subarray(2 * len)));
    expect(() => augmentInto(batch(1), 2, SIZE, C, all, mulberry32(3))).toThrow(/expected at least 2/);
  });
});

describe('stackImages', () => {
  const img = (v: number, w = 2): FloatImage => ({ width: w, height: 2, channels: 1, data: new Float32Array(w * 2).fill(v) });

  it('stacks images NHWC in order', () => {
    expect(Array.from(stackImages([img(0.25), img(0.5)]))).toEqual([0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.5]);
    expect(stackImages([]).length).toBe(0);
  });

  it('rejects mixed shapes', () => {
    let err: unknown = null;
    try {
      stackImages([img(0), img(0, 3)]);
    } catch (e) {
      err = e;
    }
    expect(isEngineError(err, 'invalid-argument')).toBe(true);
  });
});
