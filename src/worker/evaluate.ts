/**
 * Batch inspection and evaluation: every listed test image gets the residual and the
 * projection (no frames), its scores are sent as it goes, and where ground truth is known the
 * metrics per method are computed with engine/metrics on the same maps. Ground truth: an image
 * with a mask is labelled by it (an empty mask = normal); when any image of the batch has a
 * mask, images without one count as normal (MVTec's test/good has no masks).
 */
import type { Autoencoder } from '../engine/model/autoencoder';
import { f1Max, imageAuroc, pixelAuroc, rocCurve } from '../engine/metrics/roc';
import { runProjection } from '../engine/project/run';
import { reconstructImage, toResult } from '../engine/score/score';
import type { AnomalyMethod, AnomalyResult, Mask } from '../engine/types';
import type { JobContext } from './context';
import type { ImageStore } from './images';
import type { BatchRow, EvaluateArgs, EvaluationData, EvaluationResult, MethodMetrics } from './keepProtocol';

const METHODS: AnomalyMethod[] = ['residual', 'projection'];
const ROC_POINTS = 200;

/** Nearest-neighbour resize of a mask to the map's size (masks come at the image's own size). */
export function resizeMask(mask: Mask, width: number, height: number): Mask {
  if (mask.width === width && mask.height === height) return mask;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width));
      data[y * width + x] = (mask.data[sy * mask.width + sx] ?? 0) > 0 ? 1 : 0;
    }
  }
  return { width, height, data };
}

interface Collected {
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
    imageAuroc: imageAuroc(results, labels),
    pixelF1Max: f1Max(pix.scores, pix.labels).f1,
    imageF1Max: f1Max(img, labels).f1,
    pixelRoc: rocCurve(pix.scores, pix.labels, ROC_POINTS),
    imageRoc: rocCurve(img, labels, ROC_POINTS),
  };
}

/** Masks for every image (missing = empty) when the batch has any ground truth, else null. */
function groundTruth(c: Collected): Mask[] | null {
  if (!c.masks.some((m) => m !== null)) return null;
  return c.results.residual.map((r, i) => c.masks[i] ?? { width: r.width, height: r.height, data: new Uint8Array(r.map.length) });
}

export class Evaluator {
  /** The last batch's maps and masks, for the test hook. */
  last: EvaluationData | null = null;

  async run(store: ImageStore, model: Autoencoder, args: EvaluateArgs, ctx: JobContext<BatchRow>): Promise<EvaluationResult> {
    const c: Collected = { testIds: [], results: { residual: [], projection: [] }, masks: [] };
    const { size, channels } = model.config;
    const anyMask = args.testIds.some((id) => store.has('test', id) && store.get('test', id).mask !== undefined);
    for (const testId of args.testIds) {
      if (ctx.shouldStop()) return { stopped: true, labelled: 0, metrics: {} };
      if (!store.has('test', testId)) continue;
      const item = store.get('test', testId);
      const x0 = store.working(item, size, channels);
      const residual = toResult('residual', x0, await reconstructImage(model, x0), args.smoothSigma);
      const run = await runProjection(model, x0, args.settings, { every: args.settings.iterations, shouldStop: ctx.shouldStop });
      if (run.stopped) return { stopped: true, labelled: 0, metrics: {} };
      const projection = toResult('projection', x0, run.xT, args.smoothSigma);
      const mask = item.mask ? resizeMask(item.mask, residual.width, residual.height) : null;
      c.testIds.push(testId);
      c.results.residual.push(residual);
      c.results.projection.push(projection);
      c.masks.push(mask);
      const label = anyMask ? (mask?.data.some((v) => v > 0) ? 1 : 0) : null;
      ctx.emit({ testId, residual: residual.score, projection: projection.score, label });
    }
    return this.finish(c);
  }

  private finish(c: Collected): EvaluationResult {
    const masks = groundTruth(c);
    if (!masks) {
      this.last = null;
      return { stopped: false, labelled: 0, metrics: {} };
    }
    const labels = masks.map((m) => (m.data.some((v) => v > 0) ? 1 : 0));
    const metrics: EvaluationResult['metrics'] = {};
    for (const m of METHODS) metrics[m] = methodMetrics(c.results[m], masks, labels);
    const first = c.results.residual[0];
    this.last = {
      testIds: c.testIds,
      width: first?.width ?? 0,
      height: first?.height ?? 0,
      maps: { residual: c.results.residual.map((r) => Array.from(r.map)), projection: c.results.projection.map((r) => Array.from(r.map)) },
      scores: { residual: c.results.residual.map((r) => r.score), projection: c.results.projection.map((r) => r.score) },
      masks: masks.map((m) => Array.from(m.data)),
      labels,
    };
    return { stopped: false, labelled: labels.length, metrics };
  }
}
