/** Quantiles of sorted values. */

/**
 * Quantile p of ascending `sorted` values, linear interpolation between order statistics
 * (position p * (n - 1), numpy's default). sorted must be non-empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** All values of the maps in one ascending array. */
export function sortedValues(maps: readonly { map: Float32Array }[]): Float32Array {
  const all = new Float32Array(maps.reduce((n, r) => n + r.map.length, 0));
  let offset = 0;
  for (const r of maps) {
    all.set(r.map, offset);
    offset += r.map.length;
  }
  return all.sort();
}
