import { lutIndex, type Lut } from './colormap';
import { contourMask } from './contour';
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
 * How much heat covers the image at value v (0..opacity): cold pixels stay see-through so the
 * part under them can be read; the alpha ramps up over the lower half of the scale and
 * reaches `opacity` from half the scale upwards.
 */
export function heatAlpha(v: number, scaleMax: number, opacity: number): number {
  return opacity * Math.min(1, (2 * v) / (scaleMax || 1));
}

/**
 * The heat alone at the map's own resolution, its see-through-ness in the alpha channel: what
 * the screen draws over the image, scaled by the canvas (ui/common/drawOverlay.ts), where
 * composeOverlay blends the two in JavaScript at the image's resolution.
 */
export function heatLayer(map: ScalarField, opts: Pick<OverlayOptions, 'lut' | 'scaleMax' | 'opacity'>): Rgba {
  const { width, height, data } = map;
  const out = createRgba(width, height);
  const { lut, scaleMax, opacity } = opts;
  const dst = out.data;
  for (let p = 0; p < width * height; p++) {
    const v = data[p]!;
    const li = lutIndex(v, scaleMax) * 3;
    const o = p * 4;
    dst[o] = lut[li]!;
    dst[o + 1] = lut[li + 1]!;
    dst[o + 2] = lut[li + 2]!;
    dst[o + 3] = heatAlpha(v, scaleMax, opacity) * 255;
  }
  return out;
}

/**
 * The heat map over the base image, at the base image's resolution (the map is upsampled), as
 * one image: the command line's pictures (no canvas there). The app draws the same layers on a
 * canvas instead.
 */
export function composeOverlay(base: Rgba, map: ScalarField, opts: OverlayOptions): Rgba {
  const { width, height } = base;
  const field = fieldAt(map, width, height);
  const out = createRgba(width, height);
  const { lut, scaleMax, opacity } = opts;
  const src = base.data;
  const dst = out.data;
  for (let p = 0; p < width * height; p++) {
    const v = field[p]!;
    const li = lutIndex(v, scaleMax) * 3;
    const a = heatAlpha(v, scaleMax, opacity);
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

function drawContour(img: Rgba, field: ArrayLike<number>, threshold: number, color: readonly [number, number, number]): void {
  const edge = contourMask(field, img.width, img.height, threshold);
  for (let p = 0; p < edge.length; p++) {
    if (!edge[p]) continue;
    img.data[p * 4] = color[0];
    img.data[p * 4 + 1] = color[1];
    img.data[p * 4 + 2] = color[2];
  }
}
