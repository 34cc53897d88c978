/**
 * Detection metrics. Labels: 0 = normal, any other value = anomalous. A higher score means
 * more anomalous; a threshold t predicts "anomalous" for score >= t.
 *
 * Everything is computed from the positive and negative scores sorted once each (native
 * numeric sort of typed arrays, fast enough for millions of pixels), then merged.
 * With only one class present the ROC is undefined: rocAuc returns NaN (so a summary table
 * can print "n/a" instead of aborting a whole evaluation), rocCurve returns empty arrays and
 * f1Max returns NaN when there is no positive.
 */
import { EngineError } from '../errors';
import type { AnomalyResult, Mask } from '../types';

interface Split {
  /** Scores of anomalous samples, ascending. */
  pos: Float64Array;
  /** Scores of normal samples, ascending. */
  neg: Float64Array;
}

function splitByLabel(scores: ArrayLike<number>, labels: ArrayLike<number>): Split {
  if (scores.length !== labels.length) {
    throw new EngineError('invalid-argument', `Got ${scores.length} scores but ${labels.length} labels.`);
  }
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) nPos++;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(labels.length - nPos);
  let p = 0;
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] ?? Number.NaN;
    if (Number.isNaN(s)) throw new EngineError('invalid-argument', `Score ${i} is NaN.`);
    if (labels[i] !== 0) pos[p++] = s;
    else neg[n++] = s;
  }
  return { pos: pos.sort(), neg: neg.sort() };
}

/**
 * ROC AUC, exact: the Mann-Whitney U statistic over P * N, i.e. the probability that a random
 * anomalous sample scores above a random normal one, ties counting 1/2 (the same value as the
 * average-rank formula). NaN when either class is absent.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { pos, neg } = splitByLabel(scores, labels);
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  let u = 0;
  let below = 0; // negatives strictly below the current positive score
  let upTo = 0; // negatives below or equal to it
  for (const v of pos) {
    while (below < neg.length && (neg[below] ?? 0) < v) below++;
    upTo = Math.max(upTo, below);
    while (upTo < neg.length && (neg[upTo] ?? 0) <= v) upTo++;
    u += below + (upTo - below) / 2;
  }
  return u / (pos.length * neg.length);
}

interface OperatingPoints {
  /** Distinct scores, descending. */
  thresholds: Float64Array;
  /** Positives with score >= threshold. */
  tp: Float64Array;
  /** Negatives with score >= threshold. */
  fp: Float64Array;
}

/** One operating point per distinct score, tied samples grouped, from the highest score down. */
function operatingPoints({ pos, neg }: Split): OperatingPoints {
  const cap = pos.length + neg.length;
  const thresholds = new Float64Array(cap);
  const tp = new Float64Array(cap);
  const fp = new Float64Array(cap);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let k = 0;
  while (i >= 0 || j >= 0) {
    const t = Math.max(i >= 0 ? (pos[i] ?? 0) : -Infinity, j >= 0 ? (neg[j] ?? 0) : -Infinity);
    while (i >= 0 && pos[i] === t) i--;
    while (j >= 0 && neg[j] === t) j--;
    thresholds[k] = t;
    tp[k] = pos.length - 1 - i;
    fp[k] = neg.length - 1 - j;
    k++;
  }
  return { thresholds: thresholds.subarray(0, k), tp: tp.subarray(0, k), fp: fp.subarray(0, k) };
}

/**
 * Indices of at most maxPoints points of a monotone curve, first and last kept, spread evenly
 * along its length (|dfpr| + |dtpr|): steep corners keep their points, long straight runs thin out.
 */
function thinIndices(fpr: number[], tpr: number[], maxPoints: number): number[] {
  const n = fpr.length;
  if (n <= maxPoints) return fpr.map((_, i) => i);
  const spacing = 2 / (maxPoints - 1); // a full ROC curve from (0,0) to (1,1) has length 2
  const keep = [0];
  let length = 0;
  let next = spacing;
  for (let i = 1; i < n - 1 && keep.length < maxPoints - 1; i++) {
    length += Math.abs((fpr[i] ?? 0) - (fpr[i - 1] ?? 0)) + Math.abs((tpr[i] ?? 0) - (tpr[i - 1] ?? 0));
    if (length >= next) {
      keep.push(i);
      next = (Math.floor(length / spacing) + 1) * spacing;
    }
  }
  keep.push(n - 1);
  return keep;
}

/**
 * ROC curve points from (0, 0) to (1, 1), fpr and tpr non-decreasing, one point per distinct
 * score (ties grouped), thinned to at most maxPoints (>= 2, default 256) keeping the shape.
 * Empty arrays when either class is absent.
 */
export function rocCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  maxPoints = 256,
): { fpr: number[]; tpr: number[] } {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new EngineError('invalid-argument', `A ROC curve needs maxPoints >= 2 (got ${maxPoints}).`);
  }
  const split = splitByLabel(scores, labels);
  const nPos = split.pos.length;
  const nNeg = split.neg.length;
  if (nPos === 0 || nNeg === 0) return { fpr: [], tpr: [] };
  const { tp, fp } = operatingPoints(split);
  const fpr = [0, ...Array.from(fp, (v) => v / nNeg)];
  const tpr = [0, ...Array.from(tp, (v) => v / nPos)];
  const keep = thinIndices(fpr, tpr, maxPoints);
  return { fpr: keep.map((i) => fpr[i] ?? 0), tpr: keep.map((i) => tpr[i] ?? 0) };
}

/**
 * Best F1 over all thresholds (score >= threshold = anomalous) and the threshold reaching it.
 * F1 = 2 TP / (2 TP + FP + FN). NaN for both when there is no positive.
 */
export function f1Max(scores: ArrayLike<number>, labels: ArrayLike<number>): { f1: number; threshold: number } {
  const split = splitByLabel(scores, labels);
  const nPos = split.pos.length;
  if (nPos === 0) return { f1: Number.NaN, threshold: Number.NaN };
  const { thresholds, tp, fp } = operatingPoints(split);
  let best = { f1: -1, threshold: Number.NaN };
  for (let k = 0; k < thresholds.length; k++) {
    const t = tp[k] ?? 0;
    const f1 = (2 * t) / (t + (fp[k] ?? 0) + nPos);
    if (f1 > best.f1) best = { f1, threshold: thresholds[k] ?? Number.NaN };
  }
  return best;
}

/**
 * Pixel ROC AUC over every pixel of every image: map values against mask pixels.
 * NaN when the set holds no anomalous or no normal pixel.
 * @throws EngineError 'invalid-argument' when counts or map/mask sizes differ.
 */
export function pixelAuroc(results: AnomalyResult[], masks: Mask[]): number {
  if (results.length !== masks.length) {
    throw new EngineError('invalid-argument', `Got ${results.length} anomaly maps but ${masks.length} masks.`);
  }
  const total = results.reduce((n, r) => n + r.map.length, 0);
  const scores = new Float32Array(total);
  const labels = new Uint8Array(total);
  let offset = 0;
  results.forEach((r, i) => {
    const m = masks[i];
    if (m === undefined || m.width !== r.width || m.height !== r.height || m.data.length !== r.map.length) {
      throw new EngineError('invalid-argument', `Map ${i} (${r.width}x${r.height}) does not match its mask's size.`);
    }
    scores.set(r.map, offset);
    labels.set(m.data, offset);
    offset += r.map.length;
  });
  return rocAuc(scores, labels);
}

/** Image ROC AUC of the image scores; labels[i] = 1 for an anomalous image. NaN with one class. */
export function imageAuroc(results: AnomalyResult[], labels: number[]): number {
  return rocAuc(
    results.map((r) => r.score),
    labels,
  );
}
