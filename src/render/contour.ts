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
  const [gw, gh] = [w + 2, h + 2];
  const grid = new Float32Array(gw * gh).fill(-Infinity);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) grid[(y + 1) * gw + x + 1] = data[y * w + x]!;
  const ring = (i: number, j: number) => i === 0 || j === 0 || i === gw - 1 || j === gh - 1;
  const posX = (i: number) => (i === 0 ? 0 : i === gw - 1 ? w : i - 0.5);
  const posY = (j: number) => (j === 0 ? 0 : j === gh - 1 ? h : j - 0.5);
  const out: number[] = [];
  /** Adds where the threshold falls between nodes a and b (one above, one not); at a ring node, the node itself. */
  const cross = (ai: number, aj: number, bi: number, bj: number) => {
    if (ring(ai, aj) || ring(bi, bj)) {
      const [i, j] = ring(ai, aj) ? [ai, aj] : [bi, bj];
      out.push(posX(i), posY(j));
      return;
    }
    const va = grid[aj * gw + ai]!;
    const along = (threshold - va) / (grid[bj * gw + bi]! - va);
    // NaN or infinite values: halfway.
    const t = Number.isFinite(along) ? Math.min(1, Math.max(0, along)) : 0.5;
    out.push(posX(ai) + t * (posX(bi) - posX(ai)), posY(aj) + t * (posY(bj) - posY(aj)));
  };
  /** A crossing on edge e of the cell whose top-left node is (i, j): 0 top, 1 right, 2 bottom, 3 left. */
  const onEdge = (e: number, i: number, j: number) => {
    if (e === 0) cross(i, j, i + 1, j);
    else if (e === 1) cross(i + 1, j, i + 1, j + 1);
    else if (e === 2) cross(i, j + 1, i + 1, j + 1);
    else cross(i, j, i, j + 1);
  };
  for (let j = 0; j < gh - 1; j++) {
    for (let i = 0; i < gw - 1; i++) {
      const p = j * gw + i;
      const [tl, tr, bl, br] = [grid[p]!, grid[p + 1]!, grid[p + gw]!, grid[p + gw + 1]!];
      const index = (tl > threshold ? 8 : 0) | (tr > threshold ? 4 : 0) | (br > threshold ? 2 : 0) | (bl > threshold ? 1 : 0);
      if (index === 0 || index === 15) continue;
      let edges = EDGE_PAIRS[index]!;
      // The ambiguous cells: the two corners above joined through the cell when its mean is.
      if (index === 5 || index === 10) edges = ((tl + tr + br + bl) / 4 > threshold) === (index === 5) ? SADDLE_CUTS_TL_BR : SADDLE_CUTS_TR_BL;
      for (const e of edges) onEdge(e, i, j);
    }
  }
  return Float32Array.from(out);
}

/** The edges (0 top, 1 right, 2 bottom, 3 left) each corner pattern's line joins, in pairs; bits tl 8, tr 4, br 2, bl 1. */
const EDGE_PAIRS: readonly (readonly number[])[] = [[], [3, 2], [2, 1], [3, 1], [0, 1], [], [0, 2], [0, 3], [0, 3], [0, 2], [], [0, 1], [3, 1], [2, 1], [3, 2], []];
/** Two lines cutting off the top-left and bottom-right corners of a cell. */
const SADDLE_CUTS_TL_BR = [0, 3, 2, 1];
/** Two lines cutting off the top-right and bottom-left corners. */
const SADDLE_CUTS_TR_BL = [0, 1, 3, 2];
