/**
 * The two ways the eval trains and scores a category:
 *   whole    every image resized to the working size (squashed when it is not square, as the
 *            page's whole-image mode does today); maps upsampled to the image's own size for
 *            the metrics when the images are larger, so both modes are measured alike.
 *   patches  the model trains on random P x P crops of the images at `scale`; a test image at
 *            that scale is scored tile by tile (stride `stride`) and its maps are stitched at
 *            that resolution, where the masks are measured.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resizeFloat, resizeMask } from '../engine/data/image';
import { mulberry32 } from '../engine/data/random';
import type { Vae } from '../engine/model/autoencoder';
import { ssimDissimilarity } from '../engine/model/reconstruction';
import type { MapCorrections } from '../engine/score/corrections';
import { scoreBatch } from '../engine/score/pipeline';
import { imageScore } from '../engine/score/score';
import { atScale, randomPatches } from '../engine/tiles/patches';
import { fitForTiles, scoreTiled } from '../engine/tiles/score';
import type { AnomalyMethod, AnomalyResult, FloatImage, Mask, ProjectionSettings } from '../engine/types';
import type { EvalCategory } from './eval-data';

export type EvalMode = 'whole' | 'patches';

export interface ModeSettings {
  mode: EvalMode;
  size: number;
  /** Patch mode: image scale before cropping and tiling (1, 0.5, 0.25, ...). */
  scale: number;
  /** Patch mode: pixels between tile starts (default size / 2). */
  stride: number;
  /** Patch mode: training crops per normal image. */
  patchesPerImage: number;
  sigma: number;
  seed: number;
}

/** The image at size x size (itself when it already is). */
export const toSize = (img: FloatImage, size: number) => (img.width === size && img.height === size ? img : resizeFloat(img, size, size));

/** The training set of the mode. */
export function trainingImages(cat: EvalCategory, s: ModeSettings): FloatImage[] {
  if (s.mode === 'whole') return cat.train.map((img) => toSize(img, s.size));
  const scaled = cat.train.map((img) => fitForTiles(atScale(img, s.scale), s.size));
  return randomPatches(scaled, s.size, s.patchesPerImage * scaled.length, mulberry32(s.seed + 17));
}

/** A map of another size resampled (bilinear up, area down) to width x height; the score is kept. */
function resampleMap(r: AnomalyResult, width: number, height: number): AnomalyResult {
  if (r.width === width && r.height === height) return r;
  const map = resizeFloat({ width: r.width, height: r.height, channels: 1, data: r.map }, width, height).data;
  return { ...r, map, width, height };
}

export interface ModeScorer {
  /** The masks at the resolution the maps are measured at, in test order. */
  masks: Mask[];
  /** The maps of the test images; `corrections` as scoreBatch's (whole-image mode: the 'calibrated' projection's weight gain). */
  score(projection: ProjectionSettings, method: AnomalyMethod, corrections?: MapCorrections): Promise<AnomalyResult[]>;
  /**
   * The SSIM maps (1 - SSIM(x0, x)) / 2 of the last score() call (x = f(x0) or x_T), beside its
   * |x0 - x| maps; whole-image mode only (null in patch mode).
   */
  lastSsim: AnomalyResult[] | null;
}

/** (1 - SSIM(x0, x)) / 2, channel mean, window 7, as an unsmoothed result. */
function ssimResult(method: AnomalyMethod, x0: FloatImage, x: FloatImage): AnomalyResult {
  const map = tf.tidy(() => {
    const a = tf.tensor4d(x0.data, [1, x0.height, x0.width, x0.channels]);
    const b = tf.tensor4d(x.data, [1, x.height, x.width, x.channels]);
    return ssimDissimilarity(a, b, 7).dataSync() as Float32Array;
  });
  return { method, score: imageScore(map), map, width: x0.width, height: x0.height };
}

export function modeScorer(vae: Vae, cat: EvalCategory, s: ModeSettings): ModeScorer {
  if (s.mode === 'whole') {
    const images = cat.test.map((t) => toSize(t.image, s.size));
    const scorer: ModeScorer = {
      masks: cat.test.map((t) => t.mask),
      lastSsim: null,
      score: async (projection, method, corrections) => {
        const run = await scoreBatch(vae, images, { projection, smoothSigma: s.sigma, methods: [method], ...(corrections ? { corrections } : {}) });
        const atMask = (r: AnomalyResult, i: number) => resampleMap(r, cat.test[i]!.mask.width, cat.test[i]!.mask.height);
        scorer.lastSsim = run.scored.map((r, i) => {
          const x = method === 'residual' ? r.recon : r.projected;
          return x ? atMask(ssimResult(method, images[i]!, x), i) : atMask(r[method]!, i);
        });
        return run.scored.map((r, i) => atMask(r[method]!, i));
      },
    };
    return scorer;
  }
  const images = cat.test.map((t) => fitForTiles(atScale(t.image, s.scale), s.size));
  return {
    masks: cat.test.map((t, i) => resizeMask(t.mask, images[i]!.width, images[i]!.height)),
    lastSsim: null,
    score: async (projection, method) => {
      const out: AnomalyResult[] = [];
      for (const img of images) {
        const r = await scoreTiled(vae, img, { projection, smoothSigma: s.sigma, methods: [method], stride: s.stride });
        out.push(r[method]!);
      }
      return out;
    },
  };
}
