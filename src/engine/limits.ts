/** Limits and fixed rules shared by the engine, the worker and the page (no tf here, so the page may import it). */

import type { ModelDescription, ProjectionSettings } from './types';

/**
 * The projection defaults (README, "Choosing the defaults"): alpha 1 for the default model (latent
 * 256, 16 px bottom), whose larger Jacobian made alpha 3 diverge on real photographs; lambda and
 * the iterations from the procedural sweeps.
 */
export const DEFAULT_PROJECTION: ProjectionSettings = { alpha: 1, lambda: 0.1, iterations: 40, variant: 'weighted' };

/** Fewer normal images than this: training forces augmentation on (flips and 90° turns). */
export const FEW_IMAGES = 5;

/**
 * Gaussian smoothing of a new model's maps in pixels: 2 px at 64 px, in proportion at other
 * sizes (chosen on the procedural benchmark: README, "Choosing the defaults"). Stored with the model.
 */
export function smoothSigmaFor(size: number): number {
  return size / 32;
}

/**
 * Where a whole-image model's image scores are taken: its maps at half their smoothing (1 px at
 * 64 px). The shown map's 2 px blur spreads a defect of a few pixels over about 25 and it sinks
 * under the normal images' hottest spots; at half the blur the default model's image ROC AUC
 * measured 0.852 against 0.729 on the procedural benchmark and 0.670 against 0.642 on the real
 * photographs (three seeds), while the shown map keeps the smoothing its pixel ROC AUC is best
 * at (README, "Image scores at half the smoothing").
 */
export function scoreSigmaFor(smoothSigma: number): number {
  return smoothSigma / 2;
}

/** The smoothing a model was calibrated with: its stored one, else the earlier rule (1 px at 64 px). */
export function smoothSigmaOf(d: Pick<ModelDescription, 'config' | 'smoothSigma'>): number {
  return d.smoothSigma ?? d.config.size / 64;
}

/**
 * Images projected together in one batch at a working size: as many as hold the pixels of 16
 * images of 64 px (memory grows with batch x pixels), so 16 at 64 px and fewer above it, 64 at
 * 32 px; at least 1, at most 64. On WASM a batch of 64 tiles of 32 px projects 20 to 30 % more
 * tiles a second than batches of 16 (Node, one thread: 0.46 to 0.48 against 0.58 to 0.69 ms a
 * tile), and on two threads its larger calls split better.
 */
export const MOST_PROJECTED_TOGETHER = 64;

export function projectionBatchFor(size: number): number {
  return Math.max(1, Math.min(MOST_PROJECTED_TOGETHER, Math.floor((16 * 64 * 64) / (size * size))));
}
