/** Tiles: coverage, exact stitching, no seams in the tiled maps, defects at the image's own resolution. */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { mulberry32 } from '../data/random';
import { useCpu } from '../testing/cpu';
import { createLinearAe, type TestAutoencoder } from '../testing/linear-ae';
import { withSquare } from '../testing/synthetic';
import type { FloatImage } from '../types';
import { blendWindow, extractTiles, stitchTiles, tileGrid } from './grid';
import { randomPatches } from './patches';
import { fitForTiles, scoreTiled, scoreTiledLive } from './score';

/** A smooth random field of a few long waves (periods 12 to 40 px) and a little noise: "a texture". */
function field(width: number, height: number, seed: number): FloatImage {
  const rng = mulberry32(seed);
  const waves = Array.from({ length: 6 }, () => ({ kx: (rng() * 2 - 1) / 14, ky: (rng() * 2 - 1) / 14, phase: rng() * 6.28, amp: 0.05 + 0.05 * rng() }));
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0.5 + (rng() - 0.5) * 0.02;
      for (const w of waves) v += w.amp * Math.cos(2 * Math.PI * (w.kx * x + w.ky * y) + w.phase);
      data[y * width + x] = v;
    }
  }
  return { width, height, channels: 1, data };
}

describe('tileGrid', () => {
  it('covers every pixel, starts every stride and ends flush with the far edges', () => {
    const g = tileGrid(50, 37, 16, 8);
    const xs = [...new Set(g.origins.map((o) => o.x))];
    const ys = [...new Set(g.origins.map((o) => o.y))];
    expect(xs).toEqual([0, 8, 16, 24, 32, 34]);
    expect(ys).toEqual([0, 8, 16, 21]);
    expect(g.origins).toHaveLength(24);
    expect(tileGrid(16, 16, 16, 8).origins).toEqual([{ x: 0, y: 0 }]);
  });

  it('refuses an image smaller than a tile and a stride outside 1..tile', () => {
    for (const make of [() => tileGrid(15, 40, 16, 8), () => tileGrid(40, 40, 16, 0), () => tileGrid(40, 40, 16, 17)]) {
      let err: unknown = null;
      try {
        make();
      } catch (e) {
        err = e;
      }
      expect(isEngineError(err, 'invalid-argument')).toBe(true);
    }
  });
});

describe('stitchTiles', () => {
  it('gives the image back exactly from its own tiles (identity projection)', () => {
    for (const [w, h, p, s] of [[50, 37, 16, 8], [64, 64, 16, 16], [33, 20, 16, 5]] as const) {
      const img = field(w, h, w * h);
      const g = tileGrid(w, h, p, s);
      const back = stitchTiles(extractTiles(img, g), g);
      expect(back.width).toBe(w);
      expect(back.height).toBe(h);
      expect(Array.from(back.data)).toEqual(Array.from(img.data));
    }
  });

  it('blends with Hann weights that sum to a constant at half-tile stride', () => {
    const w = blendWindow(16);
    for (let u = 0; u < 8; u++) expect((w[u] ?? 0) + (w[u + 8] ?? 0)).toBeCloseTo(1, 12);
    expect(Math.min(...w)).toBeGreaterThan(0);
  });
});

describe('scoreTiled', () => {
  const P = 16;
  let model: TestAutoencoder;

  beforeAll(async () => {
    await useCpu();
    const rng = mulberry32(5);
    const sources = [1, 2, 3, 4].map((s) => field(96, 80, s));
    model = createLinearAe(randomPatches(sources, P, 400, rng), 24);
  });
  afterAll(() => model.dispose());

  const settings = { alpha: 1, lambda: 0.05, iterations: 10, variant: 'weighted' as const };

  it('draws no seams: on a normal image the map along tile borders is no brighter than inside tiles', async () => {
    const img = field(72, 56, 77);
    const before = tf.memory().numTensors;
    const s = await scoreTiled(model, img, { projection: settings, smoothSigma: 0, stride: P / 2 });
    expect(tf.memory().numTensors).toBe(before);
    for (const r of [s.residual, s.projection]) {
      expect(r?.width).toBe(72);
      expect(r?.height).toBe(56);
      // Pixels on either side of a tile edge that lies inside the image.
      const edgeX = new Set(s.grid.origins.flatMap((o) => [o.x, o.x - 1, o.x + P - 1, o.x + P]).filter((x) => x > 0 && x < 71));
      const edgeY = new Set(s.grid.origins.flatMap((o) => [o.y, o.y - 1, o.y + P - 1, o.y + P]).filter((y) => y > 0 && y < 55));
      let border = 0;
      let nb = 0;
      let inner = 0;
      let ni = 0;
      r?.map.forEach((v, i) => {
        const x = i % 72;
        const y = Math.floor(i / 72);
        if (edgeX.has(x) || edgeY.has(y)) {
          border += v;
          nb++;
        } else {
          inner += v;
          ni++;
        }
      });
      expect(nb).toBeGreaterThan(0);
      expect(ni).toBeGreaterThan(0);
      expect(border / nb).toBeLessThanOrEqual(1.2 * (inner / ni));
    }
  });

  it('finds a small defect at the image\'s own resolution', async () => {
    const { image, mask } = withSquare(field(80, 48, 91), 61, 30, 4, 1);
    const s = await scoreTiled(model, image, { projection: settings, smoothSigma: 0, batch: 5 });
    for (const r of [s.residual, s.projection]) {
      let inside = 0;
      let outside = 0;
      r?.map.forEach((v, i) => (mask.data[i] ? (inside += v / 16) : (outside += v / (80 * 48 - 16))));
      expect(inside).toBeGreaterThan(5 * outside);
    }
  });

  it('scales up an image smaller than a tile, keeping its aspect ratio', () => {
    const up = fitForTiles(field(12, 6, 3), P);
    expect([up.width, up.height]).toEqual([32, 16]);
    const same = field(20, 18, 4);
    expect(fitForTiles(same, P)).toBe(same);
  });

  it('stops when asked, with no result and nothing leaked', async () => {
    const before = tf.memory().numTensors;
    const s = await scoreTiled(model, field(40, 40, 8), { projection: settings, smoothSigma: 0, shouldStop: () => true });
    expect(s.stopped).toBe(true);
    expect(s.projection).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('live: the same maps as chunk by chunk, with whole-image frames whose energy falls', async () => {
    const img = withSquare(field(56, 40, 12), 30, 20, 4, 1).image;
    const before = tf.memory().numTensors;
    const plain = await scoreTiled(model, img, { projection: settings, smoothSigma: 1, stride: P / 2, batch: 4 });
    const frames: { iteration: number; energy: number; w?: number; map: number }[] = [];
    let early = 0;
    const live = await scoreTiledLive(model, img, {
      projection: settings,
      smoothSigma: 1,
      stride: P / 2,
      chunk: 3,
      every: 2,
      onResidual: (recon) => (early = recon.width),
      onFrame: (f, map) => frames.push({ iteration: f.iteration, energy: f.energy, w: f.image?.width, map: map?.length ?? 0 }),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(early).toBe(56);
    expect(frames.map((f) => f.iteration)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(frames.slice(1).every((f) => f.w === 56 && f.map === 56 * 40)).toBe(true);
    expect(frames.at(-1)!.energy).toBeLessThan(frames[0]!.energy);
    expect(live.stopped).toBe(false);
    for (const m of ['residual', 'projection'] as const) {
      const a = plain[m]!.map;
      const b = live[m]!.map;
      expect(b.length).toBe(a.length);
      let worst = 0;
      a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (b[i] ?? 0)))));
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it('live: a stop ends every chunk at the same iteration, nothing leaked', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const s = await scoreTiledLive(model, field(40, 40, 9), { projection: settings, smoothSigma: 0, chunk: 2, every: 1, shouldStop: () => ++calls > 3 });
    expect(s.stopped).toBe(true);
    expect(s.projection?.width).toBe(40);
    expect(tf.memory().numTensors).toBe(before);
  });
});
