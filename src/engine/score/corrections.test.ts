import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Autoencoder, Vae } from '../model/autoencoder';
import { createVae } from '../model/vae';
import { useCpu } from '../testing/cpu';
import { smoothNormal, withSquare } from '../testing/synthetic';
import type { AnomalyResult, FloatImage, ProjectionSettings } from '../types';
import { calibrate } from './calibrate';
import { runProjection } from '../project/run';
import { calibrateModel } from './calibrateModel';
import { correctionsOf, correctMap, correctResult, measureCorrection } from './corrections';
import { DETAIL_WEIGHT } from './detail';
import { gainPerPixel } from './edges';
import { scoreBatch, scoreImage } from './pipeline';
import { quantileSorted, sortedValues } from './quantile';
import { anomalyMap, imageScore } from './score';

const SIZE = 16;

/** A map of 0.5 on the outer ring and `middle` inside it. */
function ringMap(middle: number): AnomalyResult {
  const map = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) map[y * SIZE + x] = Math.min(x, y, SIZE - 1 - x, SIZE - 1 - y) === 0 ? 0.5 : middle;
  return { method: 'projection', score: imageScore(map), map, width: SIZE, height: SIZE };
}

const normals: FloatImage[] = [1, 2, 3].map((seed) => smoothNormal(SIZE, 3, seed, 0.2));

describe('measureCorrection and calibrate', () => {
  const maps = [0.1, 0.11, 0.12].map(ringMap);

  it('measures the edge gain and the detail term on the held-out maps, and calibrates on the corrected maps', () => {
    const c = measureCorrection(maps, normals, { smoothSigma: 1, percentile: 0.99 });
    expect(c.edgeGain?.[0]).toBeCloseTo(0.5 / 0.11, 4);
    expect(c.detail?.median).toBeGreaterThan(c.detail?.low ?? Infinity);
    const edged = maps.map((r) => correctResult(r, normals[0]!, { edgeGain: c.edgeGain! }, 1));
    expect(c.detail?.scale).toBeCloseTo(DETAIL_WEIGHT * quantileSorted(sortedValues(edged), 0.99), 6);
    const plain = calibrate(maps);
    const cal = calibrate(maps, { correct: { images: normals, smoothSigma: 1 } });
    expect(plain.edgeGain).toBeUndefined();
    expect(plain.detail).toBeUndefined();
    expect(cal.edgeGain).toEqual(c.edgeGain);
    expect(cal.detail).toEqual(c.detail);
    expect(plain.imageThreshold).toBeCloseTo(0.5, 6);
    expect(cal.imageThreshold).toBeLessThan(0.3);
    expect(measureCorrection(maps, normals, { smoothSigma: 1, percentile: 0.99, detail: false }).detail).toBeUndefined();
    expect(() => calibrate(maps, { correct: { images: normals.slice(0, 2), smoothSigma: 1 } })).toThrow(/3 maps but 2 images/);
  });

  it('is the identity without a correction, and corrections come back from a calibration set by method', () => {
    const r = ringMap(0.1);
    expect(correctResult(r, normals[0]!, undefined, 1)).toBe(r);
    expect(correctResult(r, normals[0]!, {}, 1)).toBe(r);
    expect(correctMap(r.map, normals[0]!, undefined, 1)).toBe(r.map);
    const cal = calibrate([r], { correct: { images: [normals[0]!], smoothSigma: 1 } });
    expect(correctionsOf({ projection: cal, at: null })).toEqual({ projection: { edgeGain: cal.edgeGain, detail: cal.detail } });
    expect(correctionsOf({ residual: calibrate([r]), at: null })).toEqual({});
  });

  it('lights a smudge that the plain map misses', () => {
    const c = measureCorrection([ringMap(0.1)], normals, { smoothSigma: 1, percentile: 0.99 });
    const smooth = smoothNormal(SIZE, 3, 7, 0);
    const test = smoothNormal(SIZE, 3, 7, 0.2);
    const data = test.data.slice();
    for (let y = 5; y < 11; y++) for (let x = 5; x < 11; x++) for (let k = 0; k < 3; k++) data[(y * SIZE + x) * 3 + k] = smooth.data[(y * SIZE + x) * 3 + k] ?? 0;
    const flatMap = new Float32Array(SIZE * SIZE).fill(0.1);
    const out = correctMap(flatMap, { ...test, data }, c, 1);
    expect(out[8 * SIZE + 8]).toBeGreaterThan(0.1 + (c.detail?.scale ?? 0) * 0.3);
    expect(out[8 * SIZE + 1]).toBeCloseTo(0.1, 6);
  });
});

describe('map corrections in the scoring pipeline', () => {
  const S: ProjectionSettings = { alpha: 2, lambda: 0.1, iterations: 3, variant: 'weighted' };
  let vae: Vae;
  const test = withSquare(smoothNormal(SIZE, 3, 54, 0.2), 6, 6, 4, 1).image;

  beforeAll(async () => {
    await useCpu();
    vae = createVae({ size: SIZE, channels: 3, latent: 8, width: 4 }, 3);
  });
  afterAll(() => vae.dispose());

  it('calibrates both methods with corrections and puts every map of a scored image through them, frames too', async () => {
    const cal = await calibrateModel(vae, normals, { projection: S, smoothSigma: 1, projections: 3 });
    const corrections = correctionsOf(cal);
    expect(corrections.residual?.edgeGain?.length).toBe(4);
    expect(corrections.projection?.detail?.scale).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const frames: Float32Array[] = [];
    const plain = await scoreImage(vae, test, { projection: S, smoothSigma: 1 });
    const frameScoreMaps: (Float32Array | undefined)[] = [];
    const corrected = await scoreImage(vae, test, {
      projection: S,
      smoothSigma: 1,
      corrections,
      every: 3,
      onFrame: (_, map, scoreMap) => {
        if (map) frames.push(map);
        frameScoreMaps.push(scoreMap);
      },
    });
    // No score scale in this calibration: the frames carry no score map.
    expect(frameScoreMaps.every((m) => m === undefined)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const residual = correctMap(plain.residual!.map, test, corrections.residual, 1);
    corrected.residual!.map.forEach((v, i) => expect(v).toBeCloseTo(residual[i] ?? NaN, 6));
    const projected = correctMap(plain.projection!.map, test, corrections.projection, 1);
    corrected.projection!.map.forEach((v, i) => expect(v).toBeCloseTo(projected[i] ?? NaN, 6));
    expect(corrected.projection!.score).toBeCloseTo(imageScore(projected), 6);
    frames.at(-1)!.forEach((v, i) => expect(v).toBeCloseTo(corrected.projection!.map[i] ?? NaN, 6));
    const batch = await scoreBatch(vae, [test], { projection: S, smoothSigma: 1, corrections });
    expect(batch.scored[0]!.residual!.score).toBeCloseTo(corrected.residual!.score, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes image scores at the finer score smoothing: calibration measures its own corrections and threshold there, scoring follows', async () => {
    const cal = await calibrateModel(vae, normals, { projection: S, smoothSigma: 1, scoreSigma: 0.5, projections: 3 });
    const plainCal = await calibrateModel(vae, normals, { projection: S, smoothSigma: 1, projections: 3 });
    for (const method of ['residual', 'projection'] as const) {
      const c = cal[method]!;
      expect(c.score?.sigma).toBe(0.5);
      expect(c.score?.edgeGain?.length).toBe(4);
      // The shown maps are calibrated as before; only the image threshold moves to the finer scores.
      expect(c.pixelThreshold).toBeCloseTo(plainCal[method]!.pixelThreshold, 6);
      expect(c.edgeGain).toEqual(plainCal[method]!.edgeGain);
      expect(c.imageThreshold).not.toBeCloseTo(plainCal[method]!.imageThreshold, 6);
    }
    const corrections = correctionsOf(cal);
    const frameScoreMaps: Float32Array[] = [];
    const scored = await scoreImage(vae, test, { projection: S, smoothSigma: 1, corrections, every: 3, onFrame: (_, map, scoreMap) => map && scoreMap && frameScoreMaps.push(scoreMap) });
    // The live frames' score maps are made as the result's: the last one is the result's.
    expect(frameScoreMaps.length).toBeGreaterThan(0);
    frameScoreMaps.at(-1)!.forEach((v, i) => expect(v).toBeCloseTo(scored.projection!.scoreMap![i] ?? NaN, 6));
    const before = await scoreImage(vae, test, { projection: S, smoothSigma: 1, corrections: correctionsOf(plainCal) });
    for (const method of ['residual', 'projection'] as const) {
      const r = scored[method]!;
      const x = method === 'residual' ? scored.recon! : scored.projected!;
      const fine = correctMap(anomalyMap(test, x, 0.5), test, corrections[method]!.score, 0.5);
      r.scoreMap!.forEach((v, i) => expect(v).toBeCloseTo(fine[i] ?? NaN, 6));
      expect(r.score).toBeCloseTo(imageScore(fine), 6);
      r.map.forEach((v, i) => expect(v).toBeCloseTo(before[method]!.map[i] ?? NaN, 6));
      expect(before[method]!.scoreMap).toBeUndefined();
    }
    const batch = await scoreBatch(vae, [test], { projection: S, smoothSigma: 1, corrections });
    expect(batch.scored[0]!.projection!.score).toBeCloseTo(scored.projection!.score, 5);
  });

  it("weighs the calibrated projection by the residual's edge gain, in scoring and in the calibration that measures it", async () => {
    const C: ProjectionSettings = { ...S, variant: 'calibrated' };
    const residualGain = [2, 1.5, 1.2, 1.1];
    const corrections = { residual: { edgeGain: residualGain } };
    const direct = await runProjection(vae, test, C, { weightGain: gainPerPixel(residualGain, SIZE, SIZE) });
    const weighted = await runProjection(vae, test, S);
    expect(Array.from(direct.xT.data)).not.toEqual(Array.from(weighted.xT.data));
    const one = await scoreImage(vae, test, { projection: C, smoothSigma: 1, corrections, methods: ['projection'] });
    const batch = await scoreBatch(vae, [test], { projection: C, smoothSigma: 1, corrections, methods: ['projection'] });
    Array.from(direct.xT.data).forEach((v, i) => {
      expect(one.projected!.data[i]).toBeCloseTo(v, 6);
      expect(batch.scored[0]!.projected!.data[i]).toBeCloseTo(v, 6);
    });
    // Without the residual's gain the calibrated projection is the paper's.
    const bare = await scoreImage(vae, test, { projection: C, smoothSigma: 1, methods: ['projection'] });
    expect(Array.from(bare.projected!.data)).toEqual(Array.from(weighted.xT.data));
    // Calibration measures the residual's gain first and projects with it: a model that
    // reconstructs the outer ring worse (x * 0.7 there, x * 0.9 inside) has a residual edge gain.
    const ring = tf.tensor4d(new Float32Array(SIZE * SIZE).map((_, p) => (Math.min(p % SIZE, Math.floor(p / SIZE), SIZE - 1 - (p % SIZE), SIZE - 1 - Math.floor(p / SIZE)) === 0 ? 0.7 : 0.9)), [1, SIZE, SIZE, 1]);
    const edgeBlind: Autoencoder = { config: vae.config, reconstruct: (x) => tf.mul(x, ring) };
    const calW = await calibrateModel(edgeBlind, normals, { projection: S, smoothSigma: 1, projections: 3 });
    const calC = await calibrateModel(edgeBlind, normals, { projection: C, smoothSigma: 1, projections: 3 });
    ring.dispose();
    expect(calC.residual).toEqual(calW.residual);
    expect(calW.residual?.edgeGain?.[0]).toBeGreaterThan(1.5);
    expect(calC.projection?.pixelThreshold).not.toBeCloseTo(calW.projection?.pixelThreshold ?? NaN, 6);
    expect(calC.at?.variant).toBe('calibrated');
  });
});
