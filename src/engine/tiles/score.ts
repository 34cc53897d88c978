/**
 * The scoring pipeline on a large image with a patch model: the image is cut into overlapping
 * P x P tiles, every tile goes through scoreBatch (residual and projection, a batch of tiles per
 * forward/backward pass), and f(x) and x_T are stitched back with the blending window; the maps
 * are then made from the stitched images at the image's own resolution, so a map has no tile
 * border and a defect keeps its pixels.
 */
import { resizeFloat } from '../data/image';
import { projectionBatchFor } from '../limits';
import type { Autoencoder } from '../model/autoencoder';
import { projectBatch, type BatchFrame } from '../project/project';
import { BOTH_METHODS, scoreBatch, type BatchScoreOptions, type ScoreOptions, type Scored } from '../score/pipeline';
import { anomalyMap, reconstructImages, toResult } from '../score/score';
import type { FloatImage } from '../types';
import { extractTiles, sizeForTiles, stitchTiles, tileGrid, type TileGrid } from './grid';

/**
 * Most tiles projected in lockstep for a live view of the whole image: every chunk's x_t is held
 * at once (2 x 1024 tiles of 64 x 64 x 3 floats: about 100 MB); larger images go chunk by chunk.
 */
export const LIVE_TILES = 1024;

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
  const { width, height } = sizeForTiles(img.width, img.height, tile);
  return width === img.width && height === img.height ? img : resizeFloat(img, width, height);
}

/**
 * Scores `image` (any size of at least one tile, the model's channels) tile by tile. Returns the
 * stitched reconstruction and projection and their maps at the image's size; `stopped` when
 * shouldStop ended it (the results are then null).
 */
export async function scoreTiled(model: Autoencoder, image: FloatImage, o: TiledScoreOptions): Promise<TiledScored> {
  const grid = gridFor(model, image, o.stride);
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

export interface LiveTiledOptions extends ScoreOptions {
  /** Pixels between two tiles' starts (default: half the tile). */
  stride?: number;
  /** Tiles per forward/backward pass (default projectionBatchFor(the tile side)). */
  chunk?: number;
}

/** The grid scoreTiled and scoreTiledLive use for `image`. */
export function gridFor(model: Autoencoder, image: FloatImage, stride?: number): TileGrid {
  const tile = model.config.size;
  return tileGrid(image.width, image.height, tile, stride ?? Math.max(1, tile / 2));
}

/**
 * Advances every chunk's projection by one yield, all with the same stop decision (read once
 * per round), so the chunks stay at the same iteration. Null when the generators are done.
 */
async function nextRound(gens: AsyncGenerator<BatchFrame>[], stop: { now: boolean }, shouldStop?: () => boolean): Promise<BatchFrame[] | null> {
  stop.now = shouldStop?.() === true;
  const frames: BatchFrame[] = [];
  for (const g of gens) {
    const r = await g.next();
    if (r.done === true) return null;
    frames.push(r.value);
  }
  return frames;
}

/**
 * One image scored tile by tile like scoreImage scores one image: the residual first
 * (onResidual, stitched), then the projection of all tiles in lockstep (a chunk of tiles per
 * forward/backward pass), each reported frame stitched into the whole image's x_t and map
 * (onFrame), the energy the sum over the tiles. For up to LIVE_TILES tiles (gridFor).
 */
export async function scoreTiledLive(model: Autoencoder, image: FloatImage, o: LiveTiledOptions): Promise<TiledScored> {
  const grid = gridFor(model, image, o.stride);
  const tiles = extractTiles(image, grid);
  const chunk = Math.max(1, Math.floor(o.chunk ?? projectionBatchFor(grid.tile)));
  const chunks = Array.from({ length: Math.ceil(tiles.length / chunk) }, (_, i) => tiles.slice(i * chunk, (i + 1) * chunk));
  const methods = o.methods ?? BOTH_METHODS;
  const out: TiledScored = { grid, recon: null, residual: null, projected: null, projection: null, energies: [], stopped: false };
  if (methods.includes('residual')) {
    const recon: FloatImage[] = [];
    for (const c of chunks) recon.push(...(await reconstructImages(model, c)));
    out.recon = stitchTiles(recon, grid);
    out.residual = toResult('residual', image, out.recon, o.smoothSigma);
    o.onResidual?.(out.recon, out.residual);
  }
  if (!methods.includes('projection')) return out;
  const stop = { now: false };
  const every = o.every ?? Math.max(1, o.projection.iterations);
  const gens = chunks.map((c) => projectBatch(model, c, o.projection, { every, shouldStop: () => stop.now }));
  try {
    let last: { iteration: number; image: FloatImage } | null = null;
    for (let frames = await nextRound(gens, stop, o.shouldStop); frames; frames = await nextRound(gens, stop, o.shouldStop)) {
      const energy = frames.reduce((e, f) => e + f.energies.reduce((a, b) => a + b, 0), 0);
      out.energies.push(energy);
      const images = frames.every((f) => f.images) ? frames.flatMap((f) => f.images ?? []) : null;
      const xt = images ? stitchTiles(images, grid) : null;
      if (xt) last = { iteration: frames[0]!.iteration, image: xt };
      o.onFrame?.({ iteration: frames[0]!.iteration, energy, ...(xt ? { image: xt } : {}) }, xt ? anomalyMap(image, xt, o.smoothSigma) : null);
    }
    if (!last) throw new Error('The tiled projection ended without a final image.');
    out.projected = last.image;
    out.projection = toResult('projection', image, last.image, o.smoothSigma);
    out.stopped = last.iteration < o.projection.iterations;
    return out;
  } finally {
    await Promise.all(gens.map((g) => g.return(undefined)));
  }
}
