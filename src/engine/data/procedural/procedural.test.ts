import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../../errors';
import { useCpu } from '../../testing/cpu';
import type { Channels, FloatImage, Mask } from '../../types';
import {
  DEFECT_EPSILON,
  DEFECT_KINDS,
  MIN_DEFECT_PIXELS,
  TEXTURE_FAMILIES,
  defectSizeRange,
  generateDefective,
  generateDemo,
  generateNormal,
} from './index';

const SIZE = 16;

function meanAbsDiff(a: FloatImage, b: FloatImage): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs((a.data[i] as number) - (b.data[i] as number));
  return s / a.data.length;
}

function channelMeans(img: FloatImage): number[] {
  const m = [0, 0, 0];
  for (let i = 0; i < img.data.length; i++) m[i % 3] = (m[i % 3] as number) + (img.data[i] as number) / (img.data.length / 3);
  return m;
}

/** Side of the bounding box of the mask's ones. */
function maskExtent(m: Mask): number {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  m.data.forEach((v, i) => {
    if (!v) return;
    const x = i % m.width;
    const y = Math.floor(i / m.width);
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  });
  return Math.max(x1 - x0 + 1, y1 - y0 + 1);
}

beforeAll(() => useCpu());

describe('generateNormal', () => {
  it('is deterministic per seed, in [0, 1], with the right shape', () => {
    for (const family of TEXTURE_FAMILIES) {
      for (const channels of [1, 3] as Channels[]) {
        const a = generateNormal(family, SIZE, channels, 5);
        const b = generateNormal(family, SIZE, channels, 5);
        expect(a.data.length).toBe(SIZE * SIZE * channels);
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
        expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
    }
  });

  it('varies from seed to seed, and is not flat', () => {
    for (const family of TEXTURE_FAMILIES) {
      const imgs = [0, 1, 2, 3].map((s) => generateNormal(family, 32, 3, s));
      for (let i = 0; i < imgs.length; i++) {
        const img = imgs[i] as FloatImage;
        expect(Math.max(...img.data) - Math.min(...img.data)).toBeGreaterThan(0.3);
        for (let j = i + 1; j < imgs.length; j++) expect(meanAbsDiff(img, imgs[j] as FloatImage)).toBeGreaterThan(0.02);
      }
    }
  });

  it('gives each family its own palette: fabric is blue, tiles are red, stone is near neutral', () => {
    /** Mean [r, g, b] over three seeds. */
    const avg = (family: (typeof TEXTURE_FAMILIES)[number]): { r: number; b: number } => {
      const ms = [0, 1, 2].map((s) => channelMeans(generateNormal(family, 32, 3, s)));
      const mean = (c: number): number => ms.reduce((t, m) => t + (m[c] as number), 0) / ms.length;
      return { r: mean(0), b: mean(2) };
    };
    const fabric = avg('fabric');
    const tiles = avg('tiles');
    const stone = avg('stone');
    expect(fabric.b).toBeGreaterThan(fabric.r);
    expect(tiles.r).toBeGreaterThan(tiles.b + 0.2);
    expect(Math.abs(stone.r - stone.b)).toBeLessThan(0.1);
    expect(meanAbsDiff(generateNormal('fabric', 32, 1, 1), generateNormal('tiles', 32, 1, 1))).toBeGreaterThan(0.05);
  });

  it('makes the gray version the luma of the colour version', () => {
    const rgb = generateNormal('tiles', SIZE, 3, 9).data;
    const gray = generateNormal('tiles', SIZE, 1, 9).data;
    for (let i = 0; i < gray.length; i++) {
      const luma = 0.299 * (rgb[3 * i] as number) + 0.587 * (rgb[3 * i + 1] as number) + 0.114 * (rgb[3 * i + 2] as number);
      expect(gray[i]).toBeCloseTo(luma, 5);
    }
  });

  it('rejects bad arguments', () => {
    let err: unknown = null;
    try {
      generateNormal('stone', 4, 3, 0);
    } catch (e) {
      err = e;
    }
    expect(isEngineError(err, 'invalid-argument')).toBe(true);
  });
});

describe('generateDefective', () => {
  it('has exact masks: the normal image of the same seed outside, a change above epsilon inside', () => {
    const { min, max } = defectSizeRange(SIZE);
    for (const family of TEXTURE_FAMILIES) {
      for (const kind of DEFECT_KINDS) {
        for (const channels of [1, 3] as Channels[]) {
          for (const seed of [0, 1, 2]) {
            const normal = generateNormal(family, SIZE, channels, seed);
            const d = generateDefective(family, SIZE, channels, seed, kind);
            expect(d.kind).toBe(kind);
            let count = 0;
            for (let p = 0; p < SIZE * SIZE; p++) {
              let diff = 0;
              for (let c = 0; c < channels; c++) diff = Math.max(diff, Math.abs((d.image.data[p * channels + c] as number) - (normal.data[p * channels + c] as number)));
              if (d.mask.data[p]) {
                count++;
                expect(diff).toBeGreaterThan(DEFECT_EPSILON);
              } else {
                expect(diff).toBe(0);
              }
            }
            expect(count).toBeGreaterThanOrEqual(MIN_DEFECT_PIXELS);
            expect(count).toBeLessThanOrEqual((SIZE * SIZE) / 4);
            expect(maskExtent(d.mask)).toBeLessThanOrEqual(max + 4);
            expect(min).toBeGreaterThanOrEqual(3);
          }
        }
      }
    }
  });

  it('is deterministic, draws the kind from the seed when not given, and spans small to large defects', () => {
    const a = generateDefective('stone', 32, 3, 11);
    const b = generateDefective('stone', 32, 3, 11);
    expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
    expect(Array.from(a.mask.data)).toEqual(Array.from(b.mask.data));
    const kinds = new Set<string>();
    const areas: number[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const d = generateDefective('fabric', 32, 1, seed);
      kinds.add(d.kind);
      areas.push(d.mask.data.reduce((s, v) => s + v, 0));
    }
    expect([...kinds].sort()).toEqual([...DEFECT_KINDS].sort());
    expect(Math.min(...areas)).toBeLessThan(20);
    expect(Math.max(...areas)).toBeGreaterThan(100);
  });

  it('puts the defect at different places for different seeds', () => {
    const firstOne = (s: number): number => generateDefective('tiles', 32, 3, s, 'hole').mask.data.indexOf(1);
    expect(new Set([1, 2, 3, 4, 5].map(firstOne)).size).toBeGreaterThan(2);
  });
});

describe('generateDemo', () => {
  it('has the requested counts, every defect kind, a few good images with empty masks, and unique names', () => {
    const demo = generateDemo({ family: 'tiles', size: SIZE, channels: 1, normal: 6, test: 10, seed: 3 });
    expect(demo.family).toBe('tiles');
    expect(demo.normal).toHaveLength(6);
    expect(demo.test).toHaveLength(10);
    const good = demo.test.filter((t) => t.kind === 'good');
    expect(good.length).toBe(2);
    for (const g of good) expect(g.mask.data.every((v) => v === 0)).toBe(true);
    for (const kind of DEFECT_KINDS) expect(demo.test.some((t) => t.kind === kind && t.mask.data.some((v) => v === 1))).toBe(true);
    expect(new Set(demo.test.map((t) => t.name)).size).toBe(10);
    expect(demo.test.every((t) => t.image.channels === 1 && t.image.width === SIZE && t.name.startsWith(t.kind))).toBe(true);
  });

  it('is deterministic, defaults to colour fabric, and keeps test images apart from training images', () => {
    const a = generateDemo({ size: SIZE, normal: 3, test: 4, seed: 1 });
    const b = generateDemo({ size: SIZE, normal: 3, test: 4, seed: 1 });
    expect(a.family).toBe('fabric');
    expect(a.channels).toBe(3);
    expect(a.test.map((t) => t.name)).toEqual(b.test.map((t) => t.name));
    a.test.forEach((t, i) => expect(Array.from(t.image.data)).toEqual(Array.from((b.test[i] as { image: FloatImage }).image.data)));
    for (const t of a.test) for (const n of a.normal) expect(meanAbsDiff(t.image, n)).toBeGreaterThan(0.01);
    const c = generateDemo({ size: SIZE, normal: 3, test: 4, seed: 2 });
    expect(meanAbsDiff(a.normal[0] as FloatImage, c.normal[0] as FloatImage)).toBeGreaterThan(0.01);
  });

  it('runs a 64-pixel demo of 40 images without creating tensors', () => {
    const before = tf.memory().numTensors;
    const demo = generateDemo({ family: 'stone', size: 64, normal: 20, test: 20, seed: 0 });
    expect(demo.normal.length + demo.test.length).toBe(40);
    expect(tf.memory().numTensors).toBe(before);
  });
});
