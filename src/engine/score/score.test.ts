import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { useCpu } from '../testing/cpu';
import { createLinearAe } from '../testing/linear-ae';
import type { TestAutoencoder } from '../testing/linear-ae';
import { smoothNormal, withSquare } from '../testing/synthetic';
import type { FloatImage } from '../types';
import { anomalyMap, gaussianSmooth, imageScore, reconstructImage, toResult } from './score';

const img = (width: number, height: number, channels: 1 | 3, values: number[]): FloatImage => ({
  width,
  height,
  channels,
  data: Float32Array.from(values),
});

function expectInvalid(fn: () => unknown): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(isEngineError(err, 'invalid-argument')).toBe(true);
}

describe('anomalyMap', () => {
  it('is the channel mean of |x0 - x|', () => {
    const a = img(2, 1, 3, [0.1, 0.2, 0.3, 1, 1, 1]);
    const b = img(2, 1, 3, [0.4, 0.2, 0.0, 0.5, 0.8, 1]);
    const map = anomalyMap(a, b);
    expect(map[0]).toBeCloseTo((0.3 + 0 + 0.3) / 3, 6);
    expect(map[1]).toBeCloseTo((0.5 + 0.2 + 0) / 3, 6);
  });

  it('smooths when asked and refuses images that differ in size or channels', () => {
    const a = smoothNormal(16, 1, 1);
    const b = withSquare(a, 7, 7, 1).image;
    const sharp = anomalyMap(a, b);
    const smooth = anomalyMap(a, b, 1.5);
    expect(imageScore(smooth)).toBeLessThan(imageScore(sharp));
    expect(Array.from(smooth)).toEqual(Array.from(gaussianSmooth(sharp, 16, 16, 1.5)));
    expectInvalid(() => anomalyMap(a, smoothNormal(8, 1, 1)));
    expectInvalid(() => anomalyMap(a, smoothNormal(16, 3, 1)));
    expectInvalid(() => anomalyMap(a, b, -1));
  });
});

describe('gaussianSmooth', () => {
  it('keeps a constant map constant, edges included', () => {
    const map = new Float32Array(9 * 7).fill(0.37);
    for (const v of gaussianSmooth(map, 9, 7, 2)) expect(v).toBeCloseTo(0.37, 6);
  });

  it('preserves the sum of an interior impulse and peaks at the product of the 1-D centre weights', () => {
    const size = 31;
    const sigma = 2;
    const map = new Float32Array(size * size);
    map[15 * size + 15] = 1;
    const out = gaussianSmooth(map, size, size, sigma);
    expect(out.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    let norm = 0;
    for (let i = -6; i <= 6; i++) norm += Math.exp(-(i * i) / (2 * sigma * sigma));
    expect(out[15 * size + 15]).toBeCloseTo(1 / (norm * norm), 6);
    expect(out[15 * size + 12]).toBeCloseTo(out[12 * size + 15] ?? Number.NaN, 7);
    expect(out[15 * size + 12]).toBeCloseTo(out[15 * size + 18] ?? Number.NaN, 7);
  });

  it('returns a copy for sigma 0 and checks its arguments', () => {
    const map = Float32Array.from([1, 2, 3, 4]);
    const out = gaussianSmooth(map, 2, 2, 0);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    expect(out).not.toBe(map);
    expectInvalid(() => gaussianSmooth(map, 3, 2, 1));
    expectInvalid(() => gaussianSmooth(map, 2, 2, Number.NaN));
  });
});

describe('imageScore and toResult', () => {
  it('scores an image by the max of its map', () => {
    expect(imageScore(Float32Array.from([0.1, 0.7, 0.3]))).toBeCloseTo(0.7, 6);
    expectInvalid(() => imageScore(new Float32Array(0)));
    const a = img(2, 1, 1, [0, 0]);
    const r = toResult('projection', a, img(2, 1, 1, [0.25, 0.5]));
    expect(r).toMatchObject({ method: 'projection', width: 2, height: 1 });
    expect(r.score).toBeCloseTo(0.5, 6);
  });
});

describe('reconstructImage', () => {
  let model: TestAutoencoder;
  beforeAll(async () => {
    await useCpu();
    model = createLinearAe(
      Array.from({ length: 16 }, (_, i) => smoothNormal(16, 1, 40 + i)),
      8,
    );
  });
  afterAll(() => model.dispose());

  it('reproduces an image on the normal manifold, not a defect, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const normal = smoothNormal(16, 1, 77);
    const fx = await reconstructImage(model, normal);
    expect(imageScore(anomalyMap(normal, fx))).toBeLessThan(1e-3);
    const defect = withSquare(normal, 4, 4, 3, 1);
    const residual = toResult('residual', defect.image, await reconstructImage(model, defect.image));
    expect(residual.map[5 * 16 + 5]).toBeGreaterThan(0.2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses an image of another size', async () => {
    const err: unknown = await reconstructImage(model, smoothNormal(8, 1, 1)).catch((e: unknown) => e);
    expect(isEngineError(err, 'invalid-argument')).toBe(true);
  });
});
