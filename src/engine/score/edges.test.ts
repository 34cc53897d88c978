import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vae } from '../model/autoencoder';
import { createVae } from '../model/vae';
import { useCpu } from '../testing/cpu';
import { smoothNormal, withSquare } from '../testing/synthetic';
import type { AnomalyResult, ProjectionSettings } from '../types';
import { calibrate } from './calibrate';
import { calibrateModel } from './calibrateModel';
import { correctEdges, edgeGainFrom, edgeGainsOf, withEdgeGain } from './edges';
import { scoreBatch, scoreImage } from './pipeline';
import { imageScore } from './score';

/** A width x height map of value(d), d the distance to the nearest edge. */
function byDistance(width: number, height: number, value: (d: number) => number): AnomalyResult {
  const map = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) map[y * width + x] = value(Math.min(x, y, width - 1 - x, height - 1 - y));
  return { method: 'projection', score: imageScore(map), map, width, height };
}

describe('edgeGainFrom', () => {
  it('measures how much hotter each distance from the edge is than the middle, over a quarter of the side', () => {
    const hot = byDistance(16, 16, (d) => (d === 0 ? 3 : d === 1 ? 1.5 : 1));
    expect(edgeGainFrom([hot, hot])).toEqual([3, 1.5, 1, 1]);
  });

  it('averages the maps and never brightens a quiet edge (gain at least 1)', () => {
    const a = byDistance(12, 8, (d) => (d === 0 ? 4 : 2));
    const b = byDistance(12, 8, (d) => (d === 0 ? 0 : 2));
    expect(edgeGainFrom([a, b])).toEqual([1, 1]); // mean at d = 0 is 2, the middle's 2: band = floor(8 / 4)
    expect(edgeGainFrom([byDistance(12, 8, (d) => (d === 0 ? 1 : 2))])).toEqual([1, 1]);
  });

  it('gives no gain for no maps, mixed sizes, maps without a middle or a middle of zeros', () => {
    expect(edgeGainFrom([])).toEqual([]);
    expect(edgeGainFrom([byDistance(8, 8, () => 1), byDistance(12, 8, () => 1)])).toEqual([]);
    expect(edgeGainFrom([byDistance(3, 3, () => 1)])).toEqual([]);
    expect(edgeGainFrom([byDistance(16, 16, (d) => (d === 0 ? 1 : 0))])).toEqual([]);
  });
});

describe('correctEdges', () => {
  it('makes the normal maps it was measured on flat, and leaves the middle as it is', () => {
    const normal = byDistance(16, 10, (d) => (d === 0 ? 3 : d === 1 ? 2 : d === 2 ? 1 : 1 + d / 100));
    const gain = edgeGainFrom([normal]);
    const out = correctEdges(normal.map, 16, 10, gain);
    expect(gain.length).toBe(2);
    const inner = Array.from(normal.map).filter((v) => v < 2); // d >= 2: 1, 1.03, 1.04
    const middle = inner.reduce((a, v) => a + v, 0) / inner.length;
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 16; x++) {
        const d = Math.min(x, y, 15 - x, 9 - y);
        expect(out[y * 16 + x]).toBeCloseTo(d < gain.length ? middle : (normal.map[y * 16 + x] ?? 0), 5);
      }
    }
    expect(normal.map[0]).toBeCloseTo(3, 6); // the input is not changed
  });

  it('takes the score again from the corrected map, and is the identity without a gain', () => {
    const r = byDistance(16, 16, (d) => (d === 0 ? 5 : 1));
    const corrected = withEdgeGain(r, [5, 1, 1, 1]);
    expect(corrected.score).toBeCloseTo(1, 6);
    expect(withEdgeGain(r, [])).toBe(r);
    expect(withEdgeGain(r, undefined)).toBe(r);
  });
});

describe('calibrate with edges', () => {
  it('stores the gain and sets the thresholds on the corrected maps', () => {
    const normals = [0, 1, 2].map((k) => byDistance(16, 16, (d) => (d === 0 ? 0.5 : 0.1 + 0.01 * k)));
    const plain = calibrate(normals);
    const corrected = calibrate(normals, { edges: true });
    expect(plain.edgeGain).toBeUndefined();
    expect(corrected.edgeGain?.[0]).toBeCloseTo(0.5 / 0.11, 4);
    expect(plain.imageThreshold).toBeCloseTo(0.5, 6);
    expect(corrected.imageThreshold).toBeLessThan(0.15);
  });
});

describe('edge correction in the scoring pipeline', () => {
  const S: ProjectionSettings = { alpha: 2, lambda: 0.1, iterations: 3, variant: 'weighted' };
  let vae: Vae;
  const normals = [51, 52, 53].map((seed) => smoothNormal(16, 3, seed, 0.05));
  const test = withSquare(smoothNormal(16, 3, 54, 0.05), 6, 6, 4, 1).image;

  beforeAll(async () => {
    await useCpu();
    vae = createVae({ size: 16, channels: 3, latent: 8, width: 4 }, 3);
  });
  afterAll(() => vae.dispose());

  it('calibrates both methods with a gain and corrects every map of a scored image with it, frames too', async () => {
    const cal = await calibrateModel(vae, normals, { projection: S, smoothSigma: 1, projections: 3 });
    const gains = edgeGainsOf(cal);
    expect(gains.residual?.length).toBe(4);
    expect(gains.projection?.length).toBe(4);
    const before = tf.memory().numTensors;
    const frames: Float32Array[] = [];
    const plain = await scoreImage(vae, test, { projection: S, smoothSigma: 1 });
    const corrected = await scoreImage(vae, test, { projection: S, smoothSigma: 1, edgeGains: gains, every: 3, onFrame: (_, map) => map && frames.push(map) });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(corrected.residual!.map)).toEqual(Array.from(correctEdges(plain.residual!.map, 16, 16, gains.residual!)));
    const projected = correctEdges(plain.projection!.map, 16, 16, gains.projection!);
    corrected.projection!.map.forEach((v, i) => expect(v).toBeCloseTo(projected[i] ?? NaN, 6));
    expect(corrected.projection!.score).toBeCloseTo(imageScore(projected), 6);
    frames.at(-1)!.forEach((v, i) => expect(v).toBeCloseTo(corrected.projection!.map[i] ?? NaN, 6));
    const batch = await scoreBatch(vae, [test], { projection: S, smoothSigma: 1, edgeGains: gains });
    expect(batch.scored[0]!.residual!.score).toBeCloseTo(corrected.residual!.score, 6);
  });
});
