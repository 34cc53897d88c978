/**
 * Missing detail. A defect that takes texture away (a blur, a smudge, a filled or polished spot)
 * is closer to a VAE's blurred reconstruction than sharp normal texture is, so the |x0 - x| maps
 * stay dark on it: blur smudges scored a pixel ROC AUC of 0.34 on the real photographs, below
 * chance. This term measures the local detail of the test image itself against the normal
 * images' and adds its shortfall to the map:
 *
 *   g        = channel mean of x0
 *   h(p)     = |g - G_hp(g)|                       high-pass, hp = max(0.5, sigma / 2)
 *   e(p)     = G_sigma'(h)                         local detail, sigma' = max(1, sigma)
 *   D(p)     = max(0, (low - e(p)) / (median - low))
 *   map'(p)  = map(p) + scale * D(p)
 *
 * sigma is the model's map smoothing; low and median are the 1 % quantile and the median of e
 * over the held-out normal images, and scale = WEIGHT x the method's pixel threshold, so that
 * detail as far under the normal low tail as that tail is under the median adds WEIGHT
 * thresholds. Letterbox bands (exactly mid-grey in every channel, which no 8-bit pixel is) are
 * left out of every sum (normalized convolution) and get D = 0.
 */
import { LETTERBOX_GREY } from '../data/layout';
import type { DetailTerm, FloatImage } from '../types';
import { gaussianSmooth } from './score';

/** Thresholds added by detail one normal tail-width under the normal low tail. */
export const DETAIL_WEIGHT = 2;
/** The normal images' low tail of local detail: this quantile of their pixels. */
export const DETAIL_LOW_QUANTILE = 0.01;

/** 1 where the pixel is image content, 0 on a letterbox band. */
function contentWeights(x: FloatImage): Float32Array {
  const c = x.channels;
  const w = new Float32Array(x.width * x.height);
  for (let p = 0; p < w.length; p++) {
    let band = true;
    for (let k = 0; k < c && band; k++) band = x.data[p * c + k] === LETTERBOX_GREY;
    w[p] = band ? 0 : 1;
  }
  return w;
}

/** G(v * w) / G(w): a Gaussian mean over content pixels only (0 where there is none near). */
function contentSmooth(v: Float32Array, w: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const vw = v.map((x, i) => x * (w[i] ?? 0));
  const num = gaussianSmooth(vw, width, height, sigma);
  const den = gaussianSmooth(w, width, height, sigma);
  return num.map((x, i) => ((den[i] ?? 0) > 1e-6 ? x / (den[i] ?? 1) : 0));
}

interface LocalDetail {
  detail: Float32Array;
  content: Float32Array;
}

/**
 * Each image's local detail per smoothing, kept while the image lives: a live projection corrects
 * every frame's map against the same x0, both methods' maps share it, and calibration measures
 * and then corrects the same held-out images. Images are not changed once made.
 */
const detailOf = new WeakMap<FloatImage, Map<number, LocalDetail>>();

/** The local detail e(p) of an image and its content weights. */
export function localDetail(x: FloatImage, smoothSigma: number): LocalDetail {
  const bySigma = detailOf.get(x) ?? new Map<number, LocalDetail>();
  detailOf.set(x, bySigma);
  const known = bySigma.get(smoothSigma);
  if (known) return known;
  const measured = measureLocalDetail(x, smoothSigma);
  bySigma.set(smoothSigma, measured);
  return measured;
}

function measureLocalDetail(x: FloatImage, smoothSigma: number): LocalDetail {
  const { width, height, channels: c } = x;
  const g = new Float32Array(width * height);
  for (let p = 0; p < g.length; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += x.data[p * c + k] ?? 0;
    g[p] = s / c;
  }
  const content = contentWeights(x);
  const low = contentSmooth(g, content, width, height, Math.max(0.5, smoothSigma / 2));
  const high = g.map((v, i) => Math.abs(v - (low[i] ?? 0)));
  return { detail: contentSmooth(high, content, width, height, Math.max(1, smoothSigma)), content };
}

/**
 * The normal images' low tail and median of local detail (content pixels only); null when they
 * have no spread to measure against (flat images) or no content.
 */
export function detailStats(normals: readonly FloatImage[], smoothSigma: number): { low: number; median: number } | null {
  const values: number[] = [];
  for (const x of normals) {
    const { detail, content } = localDetail(x, smoothSigma);
    detail.forEach((v, i) => {
      if ((content[i] ?? 0) > 0) values.push(v);
    });
  }
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? 0;
  const low = at(DETAIL_LOW_QUANTILE);
  const median = at(0.5);
  return median - low > 1e-6 ? { low, median } : null;
}

/** The shortfall D(p) of x's local detail under the normal low tail (0 on letterbox bands). */
export function detailDeficit(x: FloatImage, term: Pick<DetailTerm, 'low' | 'median'>, smoothSigma: number): Float32Array {
  const { detail, content } = localDetail(x, smoothSigma);
  const spread = term.median - term.low;
  return detail.map((e, i) => ((content[i] ?? 0) > 0 ? Math.max(0, (term.low - e) / spread) : 0));
}

/** map + scale * D, a new array. */
export function addDetail(map: Float32Array, x: FloatImage, term: DetailTerm, smoothSigma: number): Float32Array {
  const d = detailDeficit(x, term, smoothSigma);
  return map.map((v, i) => v + term.scale * (d[i] ?? 0));
}
