/** Layouts: the letterbox keeps the aspect ratio and its maps leave the bands out; the choice from the data. */
import { describe, expect, it } from 'vitest';
import type { AnomalyResult, FloatImage } from '../types';
import { chooseLayout, cropImage, cropMap, LETTERBOX_GREY, layoutOf, letterbox, letterboxBox, parseLayout } from './layout';

const ramp = (width: number, height: number): FloatImage => ({
  width,
  height,
  channels: 1,
  data: Float32Array.from({ length: width * height }, (_, i) => (i % width) / width),
});

describe('letterbox', () => {
  it('fits a 2:1 image inside the square, centred, aspect kept', () => {
    expect(letterboxBox(200, 100, 64)).toEqual({ x: 0, y: 16, width: 64, height: 32 });
    expect(letterboxBox(100, 300, 64)).toEqual({ x: 21, y: 0, width: 21, height: 64 });
    expect(letterboxBox(50, 50, 64)).toEqual({ x: 0, y: 0, width: 64, height: 64 });
  });

  it('puts the image in the box and grey in the bands; the crop gives the image back', () => {
    const img = ramp(32, 16);
    const { image, box } = letterbox(img, 32);
    expect(box).toEqual({ x: 0, y: 8, width: 32, height: 16 });
    expect(image.data[0]).toBe(LETTERBOX_GREY);
    expect(image.data[31 * 32 + 5]).toBe(LETTERBOX_GREY);
    expect(Array.from(cropImage(image, box).data)).toEqual(Array.from(img.data));
  });

  it('crops a map to the image: the bands are left out of the map and of the score', () => {
    const map = new Float32Array(8 * 8);
    map[0] = 9; // in the top band
    map[3 * 8 + 6] = 0.5; // inside
    const r: AnomalyResult = { method: 'projection', score: 9, map, width: 8, height: 8 };
    const c = cropMap(r, { x: 0, y: 2, width: 8, height: 4 });
    expect([c.width, c.height, c.map.length]).toEqual([8, 4, 32]);
    expect(c.map[1 * 8 + 6]).toBe(0.5);
    expect(c.score).toBe(0.5);
    // With a score map, it is cropped alike and the score is its max inside.
    const scoreMap = new Float32Array(8 * 8);
    scoreMap[0] = 7;
    scoreMap[4 * 8 + 1] = 0.8;
    const s = cropMap({ ...r, scoreMap }, { x: 0, y: 2, width: 8, height: 4 });
    expect(s.scoreMap?.length).toBe(32);
    expect(s.scoreMap?.[2 * 8 + 1]).toBeCloseTo(0.8, 6);
    expect(s.score).toBeCloseTo(0.8, 6);
  });
});

describe('chooseLayout', () => {
  it('auto: whole images when they are about the working size, patches for large photos, scale from their size', () => {
    expect(chooseLayout([{ width: 64, height: 64 }, { width: 120, height: 90 }], 64, { mode: 'auto', scale: 0 })).toEqual({ mode: 'whole', fit: 'letterbox' });
    // Far above a tiny working size but not photo-sized: still whole images.
    expect(chooseLayout([{ width: 300, height: 200 }], 16, { mode: 'auto', scale: 0 })).toEqual({ mode: 'whole', fit: 'letterbox' });
    const photos = Array.from({ length: 3 }, () => ({ width: 1600, height: 1200 }));
    // 1600 px at 1/8 is 200 px, at most 4 x 64 across.
    expect(chooseLayout(photos, 64, { mode: 'auto', scale: 0 })).toEqual({ mode: 'patches', scale: 0.125, stride: 32 });
    expect(chooseLayout(photos, 64, { mode: 'auto', scale: 0.5 })).toEqual({ mode: 'patches', scale: 0.5, stride: 32 });
    expect(chooseLayout(photos, 32, { mode: 'whole', scale: 0 })).toEqual({ mode: 'whole', fit: 'letterbox' });
    expect(chooseLayout([{ width: 64, height: 64 }], 32, { mode: 'patches', scale: 0 })).toEqual({ mode: 'patches', scale: 1, stride: 16 });
  });
});

describe('stored layouts', () => {
  it('reads valid layouts, refuses others, and older models are whole images squashed', () => {
    expect(parseLayout({ mode: 'patches', scale: 0.25, stride: 32 })).toEqual({ mode: 'patches', scale: 0.25, stride: 32 });
    expect(parseLayout({ mode: 'whole', fit: 'letterbox' })).toEqual({ mode: 'whole', fit: 'letterbox' });
    for (const bad of [null, 3, { mode: 'patches', scale: 2, stride: 32 }, { mode: 'patches', scale: 0.5, stride: 0.5 }, { mode: 'whole' }]) expect(parseLayout(bad)).toBeUndefined();
    expect(layoutOf({})).toEqual({ mode: 'whole', fit: 'squash' });
  });
});
