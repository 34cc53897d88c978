/**
 * Per-region overlap (PRO), the localization metric of MVTec AD (Bergmann et al., IJCV 2021).
 *
 * Defect regions are the 8-connected components of each ground-truth mask (MVTec's evaluation
 * labels with a full 3x3 structure, so diagonal neighbours are one region). A threshold t
 * predicts "anomalous" for score >= t. Over all images together:
 *   PRO(t) = mean over all regions of the fraction of the region's pixels with score >= t,
 *   FPR(t) = fraction of normal (mask 0) pixels with score >= t.
 * Every region weighs the same whatever its size, unlike pixel ROC where a large defect
 * dominates. Images without a defect pixel add only normal pixels.
 *
 * Pixels are sorted once and swept from the highest score down, tied scores grouped into one
 * point (a tie between normal and defect pixels is a diagonal step, as in roc.ts). With no
 * defect region or no normal pixel the curve is undefined: proCurve returns empty arrays and
 * aupro returns NaN, as rocCurve and rocAuc do with one class.
 */
import { EngineError } from '../errors';
import type { AnomalyResult, Mask } from '../types';

/** FPR limit of the MVTec AD benchmark: AUPRO is the PRO area over FPR 0 to 0.3. */
export const MVTEC_FPR_LIMIT = 0.3;

export interface Components {
  /** Per pixel: 0 = normal, k = the k-th region (1-based), length width * height. */
  labels: Int32Array;
  count: number;
}

/** 8-connected components of a binary mask (any non-zero value is a defect pixel). */
export function labelComponents(mask: Mask): Components {
  const { width, height, data } = mask;
  const labels = new Int32Array(width * height);
  const stack: number[] = [];
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (data[start] === 0 || labels[start] !== 0) continue;
    labels[start] = ++count;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() ?? 0;
      const x = p % width;
      const y = (p - x) / width;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
          const q = ny * width + nx;
          if (data[q] !== 0 && labels[q] === 0) {
            labels[q] = count;
            stack.push(q);
          }
        }
      }
    }
  }
  return { labels, count };
}

interface PixelSets {
  /** Scores of normal pixels, ascending. */
  normal: Float32Array;
  /** Scores of defect pixels, descending. */
  defect: Float32Array;
  /** 1 / size of each defect pixel's region, aligned with defect. */
  weight: Float64Array;
  regions: number;
}

function checkSizes(maps: ArrayLike<number>[], masks: Mask[]): void {
  if (maps.length !== masks.length) {
    throw new EngineError('invalid-argument', `Got ${maps.length} anomaly maps but ${masks.length} masks.`);
  }
  masks.forEach((m, i) => {
    const n = maps[i]?.length;
    if (m.data.length !== m.width * m.height || n !== m.data.length) {
      throw new EngineError('invalid-argument', `Map ${i} has ${n} pixels but its ${m.width}x${m.height} mask has ${m.data.length}.`);
    }
  });
}

/** Defect pixels with their region weights, sorted by score descending. */
function sortedDefects(scores: Float32Array, weights: Float64Array): { defect: Float32Array; weight: Float64Array } {
  const order = new Uint32Array(scores.length).map((_, i) => i);
  order.sort((a, b) => {
    const sa = scores[a] ?? 0;
    const sb = scores[b] ?? 0;
    return sa > sb ? -1 : sa < sb ? 1 : 0; // not sb - sa: Infinity - Infinity is NaN
  });
  return { defect: scores.map((_, k) => scores[order[k] ?? 0] ?? 0), weight: weights.map((_, k) => weights[order[k] ?? 0] ?? 0) };
}

function pixelSets(maps: ArrayLike<number>[], masks: Mask[]): PixelSets {
  checkSizes(maps, masks);
  const parts = masks.map(labelComponents);
  const total = masks.reduce((n, m) => n + m.data.length, 0);
  const nDefect = masks.reduce((n, m) => n + m.data.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0), 0);
  const normal = new Float32Array(total - nDefect);
  const defect = new Float32Array(nDefect);
  const weight = new Float64Array(nDefect);
  let n = 0;
  let d = 0;
  parts.forEach(({ labels, count }, i) => {
    const map = maps[i] ?? [];
    const sizes = new Float64Array(count + 1);
    for (const k of labels) sizes[k] = (sizes[k] ?? 0) + 1;
    for (let p = 0; p < labels.length; p++) {
      const s = map[p] ?? Number.NaN;
      if (Number.isNaN(s)) throw new EngineError('invalid-argument', `Map ${i}, pixel ${p} is NaN.`);
      const k = labels[p] ?? 0;
      if (k === 0) normal[n++] = s;
      else {
        defect[d] = s;
        weight[d++] = 1 / (sizes[k] ?? 1);
      }
    }
  });
  return { normal: normal.sort(), ...sortedDefects(defect, weight), regions: parts.reduce((r, c) => r + c.count, 0) };
}

/**
 * Visits one (fpr, pro) point per distinct score, from the highest down (the implicit start
 * (0, 0) is not visited; the last point is (1, 1)). Stops early when visit returns false.
 */
function sweep({ normal, defect, weight, regions }: PixelSets, visit: (fpr: number, pro: number) => boolean): void {
  let i = normal.length - 1;
  let j = 0;
  let covered = 0; // sum over regions of the fraction of their pixels at or above the threshold
  while (i >= 0 || j < defect.length) {
    const t = Math.max(i >= 0 ? (normal[i] ?? 0) : -Infinity, j < defect.length ? (defect[j] ?? 0) : -Infinity);
    while (i >= 0 && normal[i] === t) i--;
    while (j < defect.length && defect[j] === t) covered += weight[j++] ?? 0;
    const fpr = (normal.length - 1 - i) / normal.length;
    if (!visit(fpr, Math.min(1, covered / regions))) return;
  }
}

function undefinedCurve(p: PixelSets): boolean {
  return p.regions === 0 || p.normal.length === 0;
}

/**
 * The PRO curve from (0, 0) to (1, 1): fpr and pro non-decreasing, one point per distinct
 * score. Holds up to one point per pixel: for a large set's area use aupro, which stops at
 * its FPR limit. Empty arrays when there is no defect region or no normal pixel.
 * @param maps per-image anomaly maps, each the length of its mask
 * @throws EngineError 'invalid-argument' when counts or sizes differ or a score is NaN.
 */
export function proCurve(maps: ArrayLike<number>[], masks: Mask[]): { fpr: Float64Array; pro: Float64Array } {
  const p = pixelSets(maps, masks);
  if (undefinedCurve(p)) return { fpr: new Float64Array(0), pro: new Float64Array(0) };
  const fpr = [0];
  const pro = [0];
  sweep(p, (f, r) => {
    fpr.push(f);
    pro.push(r);
    return true;
  });
  return { fpr: Float64Array.from(fpr), pro: Float64Array.from(pro) };
}

/**
 * Area under the PRO curve from FPR 0 to fprLimit (trapezoids, the curve interpolated
 * linearly at exactly fprLimit), divided by fprLimit so that it lies in [0, 1]: 1 when every
 * defect pixel scores above every normal pixel. NaN when there is no defect region or no
 * normal pixel.
 * @throws EngineError 'invalid-argument' when fprLimit is not in (0, 1], or as proCurve.
 */
export function aupro(maps: ArrayLike<number>[], masks: Mask[], fprLimit = MVTEC_FPR_LIMIT): number {
  if (!(fprLimit > 0 && fprLimit <= 1)) {
    throw new EngineError('invalid-argument', `The AUPRO FPR limit must be in (0, 1] (got ${fprLimit}).`);
  }
  const p = pixelSets(maps, masks);
  if (undefinedCurve(p)) return Number.NaN;
  let area = 0;
  let prevFpr = 0;
  let prevPro = 0;
  sweep(p, (fpr, pro) => {
    // The sweep ends at fpr 1 >= fprLimit, so the last segment always ends here.
    if (fpr >= fprLimit) {
      const proAtLimit = prevPro + ((pro - prevPro) * (fprLimit - prevFpr)) / (fpr - prevFpr);
      area += ((fprLimit - prevFpr) * (prevPro + proAtLimit)) / 2;
      return false;
    }
    area += ((fpr - prevFpr) * (prevPro + pro)) / 2;
    prevFpr = fpr;
    prevPro = pro;
    return true;
  });
  return area / fprLimit;
}

/**
 * AUPRO (FPR <= 0.3, MVTec AD) of anomaly maps against their masks, the entry point beside
 * pixelAuroc. NaN when the set holds no defect region or no normal pixel.
 * @throws EngineError 'invalid-argument' when counts or map/mask sizes differ.
 */
export function pixelAupro(results: AnomalyResult[], masks: Mask[]): number {
  results.forEach((r, i) => {
    const m = masks[i];
    if (m !== undefined && (m.width !== r.width || m.height !== r.height)) {
      throw new EngineError('invalid-argument', `Map ${i} (${r.width}x${r.height}) does not match its mask's size.`);
    }
  });
  return aupro(
    results.map((r) => r.map),
    masks,
  );
}
