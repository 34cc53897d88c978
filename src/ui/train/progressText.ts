/** What the training progress bar says while the threshold is calibrated. */

/**
 * The bar while the threshold is calibrated: how much of the held-out images' scoring is done
 * (patch mode projects every tile of each, minutes at a fine scale), full until the worker has
 * said how much there is.
 */
export function calibrationProgress(c: { done: number; total: number } | undefined): { fraction: number; text: string } {
  if (c === undefined || !(c.total > 0)) return { fraction: 1, text: 'Calibrating the threshold…' };
  const fraction = Math.min(1, Math.max(0, c.done / c.total));
  // The worker counts passes over the held-out images (patch mode takes two: residuals, then projections).
  return { fraction, text: `Calibrating the threshold on held-out images… ${Math.floor(100 * fraction)} %` };
}
