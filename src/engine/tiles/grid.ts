/**
 * Cutting an image into overlapping square tiles and stitching per-tile images back: the tiled
 * projection scores a large image with a model that works on P x P patches.
 *
 * Tiles start every `stride` pixels along each axis, the last one flush with the far edge, so
 * every pixel is covered and no tile hangs out of the image. Stitching blends the overlaps with
 * a Hann window (sin^2), which at stride P/2 sums to a constant inside the image: a pixel is a
 * weighted mean of the tiles over it, with weights falling smoothly to near zero at a tile's
 * edges, so no tile border shows. The weights never reach zero (the window is sampled at pixel
 * centres), so the image border, covered by one tile's edge, still gets that tile's value.
 */
import { EngineError } from '../errors';
import type { FloatImage } from '../types';
import { cropAt } from './patches';

export interface TileGrid {
  /** Size of the image the grid covers. */
  width: number;
  height: number;
  /** Side of every tile (the model's working size). */
  tile: number;
  /** Top-left corner of every tile, row by row. */
  origins: { x: number; y: number }[];
}

/** Starts along one axis: 0, stride, 2 stride, ... and the last one at length - tile. */
function starts(length: number, tile: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + tile < length; s += stride) out.push(s);
  out.push(length - tile);
  return out;
}

/** The tiles that cover a width x height image; it must be at least tile x tile. */
export function tileGrid(width: number, height: number, tile: number, stride: number): TileGrid {
  if (!Number.isInteger(tile) || tile < 1) throw new EngineError('invalid-argument', `The tile side must be a whole number >= 1 (got ${tile}).`);
  if (!Number.isInteger(stride) || stride < 1 || stride > tile) {
    throw new EngineError('invalid-argument', `The tile stride must be a whole number from 1 to the tile side ${tile} (got ${stride}).`);
  }
  if (width < tile || height < tile) {
    throw new EngineError('invalid-argument', `A ${width}x${height} image is smaller than one ${tile}x${tile} tile; scale it up first.`);
  }
  const xs = starts(width, tile, stride);
  const ys = starts(height, tile, stride);
  return { width, height, tile, origins: ys.flatMap((y) => xs.map((x) => ({ x, y }))) };
}

/** The grid's tiles of `img` as P x P images, in the grid's order. */
export function extractTiles(img: FloatImage, grid: TileGrid): FloatImage[] {
  return grid.origins.map(({ x, y }) => cropAt(img, x, y, grid.tile));
}

/** The separable blending weight of a tile's pixel (u, v): sin^2 at pixel centres, in (0, 1]. */
export function blendWindow(tile: number): Float64Array {
  return Float64Array.from({ length: tile }, (_, u) => Math.sin((Math.PI * (u + 0.5)) / tile) ** 2);
}

/**
 * Per-pixel weighted mean of the tiles over each pixel (weights blendWindow(u) x blendWindow(v)),
 * accumulated in float64. Tiles that agree where they overlap (exact crops of one image) give
 * that image back exactly.
 */
export function stitchTiles(tiles: FloatImage[], grid: TileGrid): FloatImage {
  const first = tiles[0];
  if (!first || tiles.length !== grid.origins.length) {
    throw new EngineError('invalid-argument', `Stitching needs one image per tile: ${grid.origins.length} tiles, ${tiles.length} images.`);
  }
  const c = first.channels;
  const { width, height, tile } = grid;
  const sum = new Float64Array(width * height * c);
  const weight = new Float64Array(width * height);
  const w = blendWindow(tile);
  tiles.forEach((t, i) => {
    const { x, y } = grid.origins[i]!;
    for (let r = 0; r < tile; r++) {
      for (let u = 0; u < tile; u++) {
        const wt = w[r]! * w[u]!;
        const p = (y + r) * width + x + u;
        weight[p]! += wt;
        for (let k = 0; k < c; k++) sum[p * c + k]! += wt * t.data[(r * tile + u) * c + k]!;
      }
    }
  });
  const data = new Float32Array(sum.length);
  for (let p = 0; p < weight.length; p++) for (let k = 0; k < c; k++) data[p * c + k] = sum[p * c + k]! / weight[p]!;
  return { width, height, channels: c, data };
}

/** The size a width x height image is tiled at: itself, or scaled up (aspect kept) until its shorter side holds one tile. */
export function sizeForTiles(width: number, height: number, tile: number): { width: number; height: number } {
  const short = Math.min(width, height);
  if (short >= tile) return { width, height };
  const k = tile / short;
  return { width: Math.max(tile, Math.round(width * k)), height: Math.max(tile, Math.round(height * k)) };
}

/** How many tiles a width x height image gets (at sizeForTiles). */
export function tileCount(width: number, height: number, tile: number, stride: number): number {
  const s = sizeForTiles(width, height, tile);
  return tileGrid(s.width, s.height, tile, stride).origins.length;
}
