/**
 * Edge correction of anomaly maps. A convolutional autoencoder reconstructs the band along the
 * image's edges worse than the middle (its convolutions see zero padding there), so on NORMAL
 * images the residual and the projection's |x0 - x_T| are higher near the edges, and the hottest
 * pixels of a normal image sit there: they set the thresholds, and a defect in the middle has
 * to beat them. Calibration measures, on the held-out normal maps, how much higher the map is
 * at each distance from the nearest edge than in the middle (the gain), and every map of the
 * model is divided by it, so that a pixel's value means the same everywhere.
 *
 *   d(x, y)  = min(x, y, W - 1 - x, H - 1 - y)           distance to the nearest edge
 *   L        = mean of the normal maps where d >= band   the middle's level, band = min(W, H) / 4
 *   gain[d]  = max(1, mean of the normal maps at d / L)  for d < band; 1 from the band on
 *   map'(p)  = map(p) / gain[d(p)]
 *
 * The gain only dims (it is at least 1): an edge quieter than the middle is left as it is.
 */
import type { AnomalyResult } from '../types';
import { imageScore } from './score';

/** Width of the corrected band as a fraction of the shorter side. */
const BAND_FRACTION = 1 / 4;

/** Distance from (x, y) to the nearest edge of a width x height map. */
function edgeDistance(x: number, y: number, width: number, height: number): number {
  return Math.min(x, y, width - 1 - x, height - 1 - y);
}

/**
 * The gain per distance from the edge, from normal maps of one size (the calibration's held-out
 * maps, smoothed as the model's maps are); [] when there is nothing to correct (no maps, mixed
 * sizes, maps too small to have a middle, or a middle of zeros).
 */
export function edgeGainFrom(results: readonly AnomalyResult[]): number[] {
  const first = results[0];
  if (!first || results.some((r) => r.width !== first.width || r.height !== first.height)) return [];
  const { width, height } = first;
  const band = Math.floor(Math.min(width, height) * BAND_FRACTION);
  if (band < 1) return [];
  const sums = new Float64Array(band + 1);
  const counts = new Float64Array(band + 1);
  for (const r of results) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const d = Math.min(band, edgeDistance(x, y, width, height));
        sums[d] = (sums[d] ?? 0) + (r.map[y * width + x] ?? 0);
        counts[d] = (counts[d] ?? 0) + 1;
      }
    }
  }
  const middle = (sums[band] ?? 0) / (counts[band] || 1);
  if (!(middle > 0) || !Number.isFinite(middle)) return [];
  const gain: number[] = [];
  for (let d = 0; d < band; d++) gain.push(Math.max(1, (sums[d] ?? 0) / (counts[d] || 1) / middle));
  return gain;
}

/** The gain at every pixel of a width x height image (1 from the band on, and everywhere without a gain). */
export function gainPerPixel(gain: readonly number[], width: number, height: number): Float32Array {
  const out = new Float32Array(width * height).fill(1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = gain[edgeDistance(x, y, width, height)] ?? 1;
  }
  return out;
}

/** The map divided by the gain at each pixel's distance from the edge (a new array). */
export function correctEdges(map: Float32Array, width: number, height: number, gain: readonly number[]): Float32Array {
  if (gain.length === 0) return map.slice();
  const g = gainPerPixel(gain, width, height);
  return map.map((v, p) => v / (g[p] ?? 1));
}

/** The result with its map edge-corrected and its score taken again; unchanged without a gain. */
export function withEdgeGain(result: AnomalyResult, gain: readonly number[] | undefined): AnomalyResult {
  if (!gain || gain.length === 0) return result;
  const map = correctEdges(result.map, result.width, result.height, gain);
  return { ...result, map, score: imageScore(map) };
}
