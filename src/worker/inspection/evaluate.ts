/**
 * Batch inspection and evaluation: every listed test image gets the residual and the
 * projection (no frames), its scores are sent as it goes, and where ground truth is known the
 * metrics per method are computed with engine/metrics on the same maps. Ground truth: an image
 * with a mask is labelled by it (an empty mask = normal); when any image of the batch has a
 * mask, images without one count as normal (MVTec's test/good has no masks).
 */
import { pixelAupro } from '../../engine/metrics/pro';
import { f1Max, imageAuroc, pixelAuroc, rocCurve } from '../../engine/metrics/roc';
import type { AnomalyMethod, AnomalyResult, Mask } from '../../engine/types';
import type { JobContext } from '../runtime/context';
import type { LoadedModel } from '../runtime/modelSlot';
import type { ImageStore } from '../dataset/images';
import type { BatchArgs, BatchRow, EvaluationResult, MethodMetrics } from '../protocol';
import { scoreEach } from './inspect';
import { resizeMask } from '../../engine/data/image';

const METHODS: AnomalyMethod[] = ['residual', 'projection'];
const ROC_POINTS = 200;

/** A batch's maps and masks, in the order of its images. */
export interface Collected {
  testIds: string[];
  results: Record<AnomalyMethod, AnomalyResult[]>;
  masks: (Mask | null)[];
}

function flatten(results: AnomalyResult[], masks: Mask[]): { scores: Float32Array; labels: Uint8Array } {
  const total = results.reduce((n, r) => n + r.map.length, 0);
  const scores = new Float32Array(total);
  const labels = new Uint8Array(total);
  let offset = 0;
  results.forEach((r, i) => {
    scores.set(r.map, offset);
    labels.set(masks[i]?.data ?? new Uint8Array(r.map.length), offset);
    offset += r.map.length;
  });
  return { scores, labels };
}

function methodMetrics(results: AnomalyResult[], masks: Mask[], labels: number[]): MethodMetrics {
  const pix = flatten(results, masks);
  const img = results.map((r) => r.score);
  return {
    pixelAuroc: pixelAuroc(results, masks),
    aupro: pixelAupro(results, masks),
    imageAuroc: imageAuroc(results, labels),
    pixelF1Max: f1Max(pix.scores, pix.labels).f1,
    imageF1Max: f1Max(img, labels).f1,
    pixelRoc: rocCurve(pix.scores, pix.labels, ROC_POINTS),
    imageRoc: rocCurve(img, labels, ROC_POINTS),
  };
}

/** Masks for every image (missing = empty) when the batch has any ground truth, else null. */
export function groundTruth(c: Collected): Mask[] | null {
  if (!c.masks.some((m) => m !== null)) return null;
  return c.results.residual.map((r, i) => c.masks[i] ?? { width: r.width, height: r.height, data: new Uint8Array(r.map.length) });
}

export class Evaluator {
  /** The last finished batch (its maps are kept, not copied: only scores go to the page). */
  last: Collected | null = null;

  async run(store: ImageStore, model: LoadedModel, args: BatchArgs, ctx: JobContext<BatchRow>): Promise<EvaluationResult> {
    const c: Collected = { testIds: [], results: { residual: [], projection: [] }, masks: [] };
    const anyMask = args.testIds.some((id) => store.has('test', id) && store.get('test', id).mask !== undefined);
    const stopped = await scoreEach(store, model, args.testIds, args.settings, ctx.shouldStop, (item, s) => {
      const mask = item.mask ? resizeMask(item.mask, s.residual.width, s.residual.height) : null;
      c.testIds.push(item.id);
      c.results.residual.push(s.residual);
      c.results.projection.push(s.projection);
      c.masks.push(mask);
      const label = anyMask ? (mask?.data.some((v) => v > 0) ? 1 : 0) : null;
      ctx.emit({ testId: item.id, residual: s.residual.score, projection: s.projection.score, label });
    });
    if (stopped) return { stopped: true, labelled: 0, metrics: {} };
    return this.finish(c);
  }

  private finish(c: Collected): EvaluationResult {
    const masks = groundTruth(c);
    this.last = masks ? c : null;
    if (!masks) return { stopped: false, labelled: 0, metrics: {} };
    const labels = masks.map((m) => (m.data.some((v) => v > 0) ? 1 : 0));
    const metrics: EvaluationResult['metrics'] = {};
    for (const m of METHODS) metrics[m] = methodMetrics(c.results[m], masks, labels);
    return { stopped: false, labelled: labels.length, metrics };
  }
}
