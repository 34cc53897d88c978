import type { ScalarField } from './types';

/**
 * The threshold's contour: where an anomaly map passes the threshold, as pixels (the command
 * line's pictures) or as line segments for a canvas to stroke at any scale (the app's overlay).
 */

/**
 * Marks the boundary of the region above `threshold`: a pixel above it with a 4-neighbour
 * at or below it (or on the image border). Returns 1 for contour pixels, 0 elsewhere.
 */
export function contourMask(field: ArrayLike<number>, width: number, height: number, threshold: number): Uint8Array {
  const edge = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const p = row + x;
      if (!(field[p]! > threshold)) continue;
      const border = x === 0 || y === 0 || x === width - 1 || y === height - 1;
      if (border || !(field[p - 1]! > threshold) || !(field[p + 1]! > threshold) || !(field[p - width]! > threshold) || !(field[p + width]! > threshold)) edge[p] = 1;
    }
  }
  return edge;
}

/**
 * The iso-line of `field` at `threshold` by marching squares, as segments [x0, y0, x1, y1, ...]
 * in the field's pixel units (its pixel (i, j) has its centre at (i + 0.5, j + 0.5); the field
 * covers [0, width] x [0, height]). The line separates the values above the threshold from the
 * rest, crossing each cell edge where the values interpolate linearly to the threshold (the
 * iso-line of the bilinear upsampling the screen draws); a region that reaches the image's
 * border is closed along it. Ambiguous cells (two opposite corners above) follow the cell's mean.
 */
export function contourSegments(field: ScalarField, threshold: number): Float32Array {
  const { width: w, height: h, data } = field;
  // The values on a grid one node wider on every side: the pixel centres, and a ring below
  // any threshold whose nodes sit on the image's border.
  const gw = w + 2;
  const gh = h + 2;
  const grid = new Float32Array(gw * gh).fill(-Infinity);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) grid[(y + 1) * gw + x + 1] = data[y * w + x]!;
  const out = new SegmentBuffer();
  // Written for a full-resolution map (a million cells in well under a frame's time): no
  // allocation per cell, the corners read once.
  for (let j = 0; j < gh - 1; j++) {
    for (let i = 0; i < gw - 1; i++) {
      const p = j * gw + i;
      const tl = grid[p]!;
      const tr = grid[p + 1]!;
      const bl = grid[p + gw]!;
      const br = grid[p + gw + 1]!;
      const index = (tl > threshold ? 8 : 0) | (tr > threshold ? 4 : 0) | (br > threshold ? 2 : 0) | (bl > threshold ? 1 : 0);
      if (index === 0 || index === 15) continue;
      let edges = EDGE_PAIRS[index]!;
      // The ambiguous cells: the two corners above joined through the cell when its mean is.
      if (index === 5 || index === 10) edges = ((tl + tr + br + bl) / 4 > threshold) === (index === 5) ? SADDLE_CUTS_TL_BR : SADDLE_CUTS_TR_BL;
      for (let k = 0; k < edges.length; k++) {
        const e = edges[k]!;
        // The edge's nodes a and b: 0 top, 1 right, 2 bottom, 3 left.
        const ai = e === 1 ? i + 1 : i;
        const aj = e === 2 ? j + 1 : j;
        const bi = e === 3 ? i : i + 1;
        const bj = e === 0 ? j : j + 1;
        crossing(out, grid, gw, gh, w, h, threshold, ai, aj, bi, bj);
      }
    }
  }
  return out.values();
}

/** A node's position in pixel units along an axis of `nodes` grid nodes over `size` pixels: the ring's nodes on the border. */
const nodePos = (i: number, nodes: number, size: number) => (i === 0 ? 0 : i === nodes - 1 ? size : i - 0.5);

/** Adds where the threshold falls between nodes a and b (one above, one not); at a ring node, the node itself. */
function crossing(out: SegmentBuffer, grid: Float32Array, gw: number, gh: number, w: number, h: number, threshold: number, ai: number, aj: number, bi: number, bj: number): void {
  const aRing = ai === 0 || aj === 0 || ai === gw - 1 || aj === gh - 1;
  if (aRing || bi === 0 || bj === 0 || bi === gw - 1 || bj === gh - 1) {
    out.push(nodePos(aRing ? ai : bi, gw, w), nodePos(aRing ? aj : bj, gh, h));
    return;
  }
  const va = grid[aj * gw + ai]!;
  const along = (threshold - va) / (grid[bj * gw + bi]! - va);
  // NaN or infinite values: halfway.
  const t = Number.isFinite(along) ? Math.min(1, Math.max(0, along)) : 0.5;
  const ax = ai - 0.5;
  const ay = aj - 0.5;
  out.push(ax + t * (bi - 0.5 - ax), ay + t * (bj - 0.5 - ay));
}

/** Points appended to a Float32Array that doubles when full. */
class SegmentBuffer {
  private data = new Float32Array(256);
  private length = 0;

  push(x: number, y: number): void {
    if (this.length + 2 > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
    this.data[this.length++] = y;
  }

  values(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

/** The edges (0 top, 1 right, 2 bottom, 3 left) each corner pattern's line joins, in pairs; bits tl 8, tr 4, br 2, bl 1. */
const EDGE_PAIRS: readonly (readonly number[])[] = [[], [3, 2], [2, 1], [3, 1], [0, 1], [], [0, 2], [0, 3], [0, 3], [0, 2], [], [0, 1], [3, 1], [2, 1], [3, 2], []];
/** Two lines cutting off the top-left and bottom-right corners of a cell. */
const SADDLE_CUTS_TL_BR = [0, 3, 2, 1];
/** Two lines cutting off the top-right and bottom-left corners. */
const SADDLE_CUTS_TR_BL = [0, 1, 3, 2];
