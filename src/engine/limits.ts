/** Limits and fixed rules shared by the engine, the worker and the page (no tf here, so the page may import it). */

/** Fewer normal images than this: training forces augmentation on (flips and 90° turns). */
export const FEW_IMAGES = 5;

/** Gaussian smoothing of the maps in pixels: 1 px at 64 px, in proportion at other sizes. */
export function smoothSigmaFor(size: number): number {
  return size / 64;
}
