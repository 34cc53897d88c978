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
  const out: number[] = [];
  // Grid nodes gi in -1..w, gj in -1..h: pixel centres, and a ring outside at the border.
  const ring = (gi: number, gj: number) => gi < 0 || gj < 0 || gi >= w || gj >= h;
  const value = (gi: number, gj: number) => (ring(gi, gj) ? -Infinity : data[gj * w + gi]!);
  const posX = (gi: number) => (gi < 0 ? 0 : gi >= w ? w : gi + 0.5);
  const posY = (gj: number) => (gj < 0 ? 0 : gj >= h ? h : gj + 0.5);
  /** Where the threshold falls between nodes a and b (one above, one not): at a ring node itself. */
  const cross = (ai: number, aj: number, bi: number, bj: number): [number, number] => {
    if (ring(ai, aj)) return [posX(ai), posY(aj)];
    if (ring(bi, bj)) return [posX(bi), posY(bj)];
    const va = value(ai, aj);
    const along = (threshold - va) / (value(bi, bj) - va);
    // NaN or infinite values: halfway.
    const t = Number.isFinite(along) ? Math.min(1, Math.max(0, along)) : 0.5;
    return [posX(ai) + t * (posX(bi) - posX(ai)), posY(aj) + t * (posY(bj) - posY(aj))];
  };
  for (let gj = -1; gj < h; gj++) {
    for (let gi = -1; gi < w; gi++) {
      const tl = value(gi, gj);
      const tr = value(gi + 1, gj);
      const br = value(gi + 1, gj + 1);
      const bl = value(gi, gj + 1);
      const index = (tl > threshold ? 8 : 0) | (tr > threshold ? 4 : 0) | (br > threshold ? 2 : 0) | (bl > threshold ? 1 : 0);
      if (index === 0 || index === 15) continue;
      const top = () => cross(gi, gj, gi + 1, gj);
      const right = () => cross(gi + 1, gj, gi + 1, gj + 1);
      const bottom = () => cross(gi, gj + 1, gi + 1, gj + 1);
      const left = () => cross(gi, gj, gi, gj + 1);
      const line = (a: [number, number], b: [number, number]) => out.push(a[0], a[1], b[0], b[1]);
      const centreAbove = (tl + tr + br + bl) / 4 > threshold;
      switch (index) {
        case 1: case 14: line(left(), bottom()); break;
        case 2: case 13: line(bottom(), right()); break;
        case 3: case 12: line(left(), right()); break;
        case 4: case 11: line(top(), right()); break;
        case 6: case 9: line(top(), bottom()); break;
        case 7: case 8: line(top(), left()); break;
        case 5: // tr and bl above
          if (centreAbove) { line(top(), left()); line(bottom(), right()); } else { line(top(), right()); line(left(), bottom()); }
          break;
        case 10: // tl and br above
          if (centreAbove) { line(top(), right()); line(left(), bottom()); } else { line(top(), left()); line(bottom(), right()); }
          break;
      }
    }
  }
  return Float32Array.from(out);
}
