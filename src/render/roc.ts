/**
 * ROC curves of several methods on one x axis, for a chart that wants aligned data: the union
 * of their false positive rates, each curve linearly interpolated on it (ROC points are joined
 * by straight lines). A vertical step (two points at one fpr) keeps its top.
 */
export interface Curve {
  fpr: number[];
  tpr: number[];
}

function tprAt(c: Curve, x: number): number {
  let best = 0;
  for (let i = 0; i < c.fpr.length; i++) {
    const f = c.fpr[i] ?? 0;
    const t = c.tpr[i] ?? 0;
    if (f === x) best = Math.max(best, t);
    const nf = c.fpr[i + 1];
    const nt = c.tpr[i + 1];
    if (nf !== undefined && nt !== undefined && f < x && x < nf) best = Math.max(best, t + ((nt - t) * (x - f)) / (nf - f));
  }
  return best;
}

export function alignRoc(curves: Curve[]): { x: number[]; ys: number[][] } {
  const x = [...new Set(curves.flatMap((c) => c.fpr))].sort((a, b) => a - b);
  return { x, ys: curves.map((c) => (c.fpr.length === 0 ? x.map(() => Number.NaN) : x.map((v) => tprAt(c, v)))) };
}
