/**
 * Colour look-up tables for heat maps: 256 RGB entries each.
 * Inferno and viridis use mattz's degree-6 polynomial fits of matplotlib's maps (CC0,
 * shadertoy WlfXRN); turbo uses Google's polynomial fit (Apache-2.0, Mikhailov / Du).
 * A polynomial is computed once per map into a LUT, so drawing is a table look-up.
 */

export type ColormapName = 'inferno' | 'turbo' | 'viridis' | 'gray';

export const COLORMAPS: readonly ColormapName[] = ['inferno', 'turbo', 'viridis', 'gray'];

/** 256 entries of [r, g, b] bytes, flat (length 768). */
export type Lut = Uint8ClampedArray;

type Poly = readonly (readonly [number, number, number])[];

const INFERNO: Poly = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

const VIRIDIS: Poly = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

/** Turbo: coefficients of 1, x, x^2, ..., x^5 per channel. */
const TURBO: Poly = [
  [0.13572138, 0.09140261, 0.1066733],
  [4.6153926, 2.19418839, 12.64194608],
  [-42.66032258, 4.84296658, -60.58204836],
  [132.13108234, -14.18503333, 110.36276771],
  [-152.94239396, 4.27729857, -89.90310912],
  [59.28637943, 2.82956604, 27.34824973],
];

function evalPoly(poly: Poly, t: number, channel: 0 | 1 | 2): number {
  let acc = 0;
  for (let i = poly.length - 1; i >= 0; i--) acc = acc * t + (poly[i]?.[channel] ?? 0);
  return acc;
}

function fromPoly(poly: Poly): Lut {
  const lut = new Uint8ClampedArray(768);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    lut[i * 3] = Math.round(evalPoly(poly, t, 0) * 255);
    lut[i * 3 + 1] = Math.round(evalPoly(poly, t, 1) * 255);
    lut[i * 3 + 2] = Math.round(evalPoly(poly, t, 2) * 255);
  }
  return lut;
}

function grayLut(): Lut {
  const lut = new Uint8ClampedArray(768);
  for (let i = 0; i < 256; i++) lut.fill(i, i * 3, i * 3 + 3);
  return lut;
}

const cache = new Map<ColormapName, Lut>();

export function colormapLut(name: ColormapName): Lut {
  let lut = cache.get(name);
  if (!lut) {
    lut = name === 'gray' ? grayLut() : fromPoly(name === 'inferno' ? INFERNO : name === 'turbo' ? TURBO : VIRIDIS);
    cache.set(name, lut);
  }
  return lut;
}

/** LUT index of a value on the fixed scale [0, scaleMax]; values past the end saturate. */
export function lutIndex(value: number, scaleMax: number): number {
  if (!(scaleMax > 0) || !(value > 0)) return 0;
  const i = Math.floor((value / scaleMax) * 255.999);
  return i > 255 ? 255 : i;
}

/** CSS colour of a LUT entry, for legends drawn with HTML or chart strokes. */
export function lutCss(lut: Lut, t: number): string {
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return `rgb(${lut[i]}, ${lut[i + 1]}, ${lut[i + 2]})`;
}
