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

/** The field's values at width x height: its own (read only) when it has that size, else resampled. */
function fieldAt(f: ScalarField, width: number, height: number): ArrayLike<number> {
  return f.width === width && f.height === height ? f.data : resampleField(f, width, height);
}

/**
 * The heat map over the base image, at the base image's resolution (the map is upsampled).
 * Cold pixels stay see-through so the part under them can be read: the heat's alpha ramps
 * up over the lower half of the scale and reaches `opacity` from half the scale upwards.
 */
export function composeOverlay(base: Rgba, map: ScalarField, opts: OverlayOptions): Rgba {
  const { width, height } = base;
  const field = fieldAt(map, width, height);
  const out = createRgba(width, height);
  const { lut, scaleMax, opacity } = opts;
  const src = base.data;
  const dst = out.data;
  const alphaDivisor = scaleMax || 1;
  for (let p = 0; p < width * height; p++) {
    const v = field[p]!;
    // lutIndex(v, scaleMax), inlined: this loop runs for every pixel of every frame shown.
    const level = scaleMax > 0 && v > 0 ? Math.min(255, Math.floor((v / scaleMax) * 255.999)) : 0;
    const li = level * 3;
    const a = opacity * Math.min(1, (2 * v) / alphaDivisor);
    const o = p * 4;
    dst[o] = src[o]! * (1 - a) + lut[li]! * a;
    dst[o + 1] = src[o + 1]! * (1 - a) + lut[li + 1]! * a;
    dst[o + 2] = src[o + 2]! * (1 - a) + lut[li + 2]! * a;
    dst[o + 3] = 255;
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

function drawContour(img: Rgba, field: ArrayLike<number>, threshold: number, color: readonly [number, number, number]): void {
  const edge = contourMask(field, img.width, img.height, threshold);
  for (let p = 0; p < edge.length; p++) {
    if (!edge[p]) continue;
    img.data[p * 4] = color[0];
    img.data[p * 4 + 1] = color[1];
    img.data[p * 4 + 2] = color[2];
  }
}
