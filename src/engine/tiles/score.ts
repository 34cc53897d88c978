/**
 * The scoring pipeline on a large image with a patch model: the image is cut into overlapping
 * P x P tiles, every tile goes through scoreBatch (residual and projection, a batch of tiles per
 * forward/backward pass), and f(x) and x_T are stitched back with the blending window; the maps
 * are then made from the stitched images at the image's own resolution, so a map has no tile
 * border and a defect keeps its pixels.
 */
import { resizeFloat } from '../data/image';
import type { Autoencoder } from '../model/autoencoder';
import { scoreBatch, type BatchScoreOptions, type Scored } from '../score/pipeline';
import { toResult } from '../score/score';
import type { FloatImage } from '../types';
import { extractTiles, stitchTiles, tileGrid, type TileGrid } from './grid';

export interface TiledScoreOptions extends Omit<BatchScoreOptions, 'onScored'> {
  /** Pixels between two tiles' starts (default: half the tile). */
  stride?: number;
  /** Tiles done of the total, after each batch. */
  onProgress?(done: number, total: number): void;
}

export interface TiledScored extends Scored {
  grid: TileGrid;
}

/** An image smaller than one tile along a side is scaled up (aspect kept) until it holds one. */
export function fitForTiles(img: FloatImage, tile: number): FloatImage {
  const short = Math.min(img.width, img.height);
  if (short >= tile) return img;
  const k = tile / short;
  return resizeFloat(img, Math.max(tile, Math.round(img.width * k)), Math.max(tile, Math.round(img.height * k)));
}

/**
 * Scores `image` (any size of at least one tile, the model's channels) tile by tile. Returns the
 * stitched reconstruction and projection and their maps at the image's size; `stopped` when
 * shouldStop ended it (the results are then null).
 */
export async function scoreTiled(model: Autoencoder, image: FloatImage, o: TiledScoreOptions): Promise<TiledScored> {
  const tile = model.config.size;
  const grid = tileGrid(image.width, image.height, tile, o.stride ?? Math.max(1, tile / 2));
  const tiles = extractTiles(image, grid);
  const recon: FloatImage[] = [];
  const projected: FloatImage[] = [];
  const run = await scoreBatch(model, tiles, {
    ...o,
    onScored: (i, s) => {
      if (s.recon) recon.push(s.recon);
      if (s.projected) projected.push(s.projected);
      o.onProgress?.(i + 1, tiles.length);
    },
  });
  const out: TiledScored = { grid, recon: null, residual: null, projected: null, projection: null, energies: [], stopped: run.stopped };
  if (run.stopped) return out;
  if (recon.length === tiles.length) {
    out.recon = stitchTiles(recon, grid);
    out.residual = toResult('residual', image, out.recon, o.smoothSigma);
  }
  if (projected.length === tiles.length) {
    out.projected = stitchTiles(projected, grid);
    out.projection = toResult('projection', image, out.projected, o.smoothSigma);
    // The image's energy: the sum of its tiles' (overlaps counted once per tile).
    const first = run.scored.reduce((e, s) => e + (s.energies[0] ?? 0), 0);
    const last = run.scored.reduce((e, s) => e + (s.energies.at(-1) ?? 0), 0);
    out.energies = [first, last];
  }
  return out;
}
