import { describe, expect, it } from 'vitest';
import { letterbox, LETTERBOX_GREY } from '../data/layout';
import { smoothNormal } from '../testing/synthetic';
import type { FloatImage } from '../types';
import { addDetail, detailDeficit, detailStats, localDetail } from './detail';

const SIZE = 32;
const textured = (seed: number) => smoothNormal(SIZE, 3, seed, 0.2);

/** The textured image with a side x side square at (left, top) taken from its smooth base: the texture blurred away there. */
function smudged(seed: number, left: number, top: number, side: number): FloatImage {
  const img = textured(seed);
  const base = smoothNormal(SIZE, 3, seed, 0);
  const data = img.data.slice();
  for (let y = top; y < top + side; y++) for (let x = left; x < left + side; x++) for (let k = 0; k < 3; k++) data[(y * SIZE + x) * 3 + k] = base.data[(y * SIZE + x) * 3 + k] ?? 0;
  return { ...img, data };
}

const normals = [1, 2, 3, 4].map(textured);

describe('local detail', () => {
  it('is zero on a flat image and clearly above zero on texture', () => {
    const flat: FloatImage = { width: SIZE, height: SIZE, channels: 3, data: new Float32Array(SIZE * SIZE * 3).fill(0.3) };
    expect(Math.max(...localDetail(flat, 2).detail)).toBeCloseTo(0, 6);
    const d = localDetail(textured(5), 2).detail;
    expect(Math.min(...d)).toBeGreaterThan(0.02);
  });

  it('has no normal spread to measure against on flat images', () => {
    expect(detailStats([smoothNormal(SIZE, 3, 1, 0)].map((x) => ({ ...x, data: x.data.map(() => 0.4) })), 2)).toBeNull();
    expect(detailStats([], 2)).toBeNull();
  });
});

describe('the missing-detail shortfall', () => {
  const stats = detailStats(normals, 2)!;

  it('lights a smudge that took the texture away and stays at zero on normal texture', () => {
    expect(stats.median).toBeGreaterThan(stats.low);
    const d = detailDeficit(smudged(9, 10, 10, 12), stats, 2);
    expect(d[16 * SIZE + 16]).toBeGreaterThan(0.5);
    const normal = detailDeficit(textured(9), stats, 2);
    expect(normal.filter((v) => v > 0).length).toBeLessThan(0.05 * normal.length);
    expect(d[2 * SIZE + 2]).toBe(0);
  });

  it('leaves letterbox bands out: zero on the band, and the texture next to it is not taken for a smudge', () => {
    // The top half of a normal image, at its own scale (a resize would average the texture away).
    const half: FloatImage = { width: SIZE, height: SIZE / 2, channels: 3, data: textured(11).data.slice(0, (SIZE * SIZE * 3) / 2) };
    const { image, box } = letterbox(half, SIZE);
    expect(box.height).toBe(16);
    expect(image.data[0]).toBe(LETTERBOX_GREY);
    const d = detailDeficit(image, stats, 2);
    for (let y = 0; y < SIZE; y++) {
      const inBox = y >= box.y && y < box.y + box.height;
      const row = d.slice(y * SIZE, (y + 1) * SIZE);
      if (!inBox) expect(Math.max(...row)).toBe(0);
    }
    const edgeRows = [box.y, box.y + box.height - 1].flatMap((y) => Array.from(d.slice(y * SIZE, (y + 1) * SIZE)));
    expect(edgeRows.filter((v) => v > 0).length).toBeLessThan(0.2 * edgeRows.length);
  });

  it('adds scale x shortfall to a map', () => {
    const x = smudged(9, 10, 10, 12);
    const map = new Float32Array(SIZE * SIZE).fill(0.1);
    const out = addDetail(map, x, { ...stats, scale: 0.5 }, 2);
    const d = detailDeficit(x, stats, 2);
    out.forEach((v, i) => expect(v).toBeCloseTo(0.1 + 0.5 * (d[i] ?? 0), 6));
    expect(map[0]).toBeCloseTo(0.1, 7);
  });
});
