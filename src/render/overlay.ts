import { lutIndex, type Lut } from './colormap';
import { resampleField } from './image';
import { createRgba, type Rgba, type ScalarField } from './types';

export interface OverlayOptions {
  lut: Lut;
  /** Value drawn with the last colour; fixed by calibration, never the image's own max. */
  scaleMax: number;
  /** 0..1: how much heat covers the image where the map is hot. */
  opacity: number;
  /** Threshold: its contour is drawn when given. */
  threshold?: number | null;
  /** The field the contour is drawn on (the result's score map: where the score passes the threshold); the map without it. */
  contour?: ScalarField | null;
  contourColor?: readonly [number, number, number];
}

/**
 * The heat map over the base image, at the base image's resolution (the map is upsampled).
 * Cold pixels stay see-through so the part under them can be read: the heat's alpha ramps
 * up over the lower half of the scale and reaches `opacity` from half the scale upwards.
 */
/** The field's values at width x height: a copy when it has that size, else resampled. */
function fieldAt(f: ScalarField, width: number, height: number): Float32Array {
  return f.width === width && f.height === height ? Float32Array.from(f.data) : resampleField(f, width, height);
}

export function composeOverlay(base: Rgba, map: ScalarField, opts: OverlayOptions): Rgba {
  const { width, height } = base;
  const field = fieldAt(map, width, height);
  const out = createRgba(width, height);
  const lut = opts.lut;
  for (let p = 0; p < width * height; p++) {
    const v = field[p] ?? 0;
    const li = lutIndex(v, opts.scaleMax) * 3;
    const a = opts.opacity * Math.min(1, (2 * v) / (opts.scaleMax || 1));
    const o = p * 4;
    out.data[o] = (base.data[o] ?? 0) * (1 - a) + (lut[li] ?? 0) * a;
    out.data[o + 1] = (base.data[o + 1] ?? 0) * (1 - a) + (lut[li + 1] ?? 0) * a;
    out.data[o + 2] = (base.data[o + 2] ?? 0) * (1 - a) + (lut[li + 2] ?? 0) * a;
    out.data[o + 3] = 255;
  }
  if (opts.threshold != null) {
    const edgeField = opts.contour ? fieldAt(opts.contour, width, height) : field;
    drawContour(out, edgeField, opts.threshold, opts.contourColor ?? [0, 229, 255]);
  }
  return out;
}

/** The map alone in colours, on the fixed scale. */
export function colorizeField(map: ScalarField, lut: Lut, scaleMax: number): Rgba {
  const out = createRgba(map.width, map.height);
  for (let p = 0; p < map.width * map.height; p++) {
    const li = lutIndex(map.data[p] ?? 0, scaleMax) * 3;
    out.data[p * 4] = lut[li] ?? 0;
    out.data[p * 4 + 1] = lut[li + 1] ?? 0;
    out.data[p * 4 + 2] = lut[li + 2] ?? 0;
    out.data[p * 4 + 3] = 255;
  }
  return out;
}

/**
 * Marks the boundary of the region above `threshold`: a pixel above it with a 4-neighbour
 * at or below it (or on the image border). Returns 1 for contour pixels, 0 elsewhere.
 */
export function contourMask(field: ArrayLike<number>, width: number, height: number, threshold: number): Uint8Array {
  const edge = new Uint8Array(width * height);
  const above = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < width && y < height && (field[y * width + x] ?? 0) > threshold;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!above(x, y)) continue;
      if (!above(x - 1, y) || !above(x + 1, y) || !above(x, y - 1) || !above(x, y + 1)) edge[y * width + x] = 1;
    }
  }
  return edge;
}

function drawContour(img: Rgba, field: Float32Array, threshold: number, color: readonly [number, number, number]): void {
  const edge = contourMask(field, img.width, img.height, threshold);
  for (let p = 0; p < edge.length; p++) {
    if (!edge[p]) continue;
    img.data[p * 4] = color[0];
    img.data[p * 4 + 1] = color[1];
    img.data[p * 4 + 2] = color[2];
  }
}
