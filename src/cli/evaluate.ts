/** Train on one category's normal images, then score its test images with both methods. */
import { createVae } from '../engine/model/vae';
import { trainVae, type TrainEnd } from '../engine/train/train';
import { pixelAupro } from '../engine/metrics/pro';
import { imageAuroc, pixelAuroc } from '../engine/metrics/roc';
import { correctResult, measureCorrection, type MapCorrections, type MeasureOptions } from '../engine/score/corrections';
import { edgeGainFrom } from '../engine/score/edges';
import { DEFAULT_PERCENTILE } from '../engine/score/calibrate';
import { scoreSigmaFor } from '../engine/limits';
import { scoreBatch } from '../engine/score/pipeline';
import { gaussianSmooth, imageScore } from '../engine/score/score';
import type { AnomalyMethod, AnomalyResult, FloatImage, Mask, ProjectionSettings, ReconstructionTerm, VaeConfig } from '../engine/types';
import type { EvalCategory } from './eval-data';
import { modeScorer, toSize, trainingImages, type ModeSettings } from './eval-modes';
import type { Vae } from '../engine/model/autoencoder';

export interface EvalSettings extends ModeSettings {
  size: number;
  epochs: number;
  latent: number;
  width: number;
  /** Stride-2 layers; absent: the model's default for the size. */
  depth?: number;
  /** Dense or spatial latent. */
  bottleneck: NonNullable<VaeConfig['bottleneck']>;
  beta: number;
  /** Coarse-noise std for denoising training, 0 = off. */
  denoise: number;
  batch: number;
  learningRate: number;
  reconstruction: ReconstructionTerm;
  schedule: 'constant' | 'cosine';
  /** Early stopping patience in epochs, 0 = off. */
  patience: number;
  /** Training time budget in seconds, 0 = none. */
  budgetSec: number;
  /** Projection grid: every combination is scored on the SAME trained model. */
  alphas: number[];
  lambdas: number[];
  iterations: number[];
  variants: ProjectionSettings['variant'][];
  /** Map smoothing sigmas in px: each is applied to the same unsmoothed maps (the first is reported). */
  sigmas: number[];
  seed: number;
}

export interface MethodPair {
  residual: number;
  projection: number;
}

/** The scores of one method on one category's test set. */
export interface MethodScores {
  pixelAuroc: number;
  /** Per-region overlap area up to FPR 0.3, over 0.3 (MVTec AD); NaN without a defect region. */
  aupro: number;
  imageAuroc: number;
}

export interface SweepEntry extends ProjectionSettings, MethodScores {
  sigma: number;
}

export interface CategoryReport {
  pixelAuroc: MethodPair;
  aupro: MethodPair;
  /** Image scores as the app takes them: whole images at half the first sigma (scoreSigmaFor), patch mode on the stitched maps. */
  imageAuroc: MethodPair;
  trainSeconds: number;
  epochsDone: number;
  endedBy: TrainEnd;
  bestEpoch: number | null;
  /** Pixel ROC AUC on the good images plus those of one defect type, per type. */
  byDefect: Record<string, MethodPair>;
  /** Image ROC AUC (scores as in imageAuroc) on the good images plus those of one defect type, per type. */
  imageByDefect: Record<string, MethodPair>;
  /** Projection time per step per image, the test images projected in batches (amortised). */
  msPerProjectionStep: number;
  finalLoss: number;
  trainImages: number;
  testImages: number;
  /** All grid points, the first one being the reported projection. */
  sweep: SweepEntry[];
  /** The residual's scores at each smoothing sigma. */
  residualSweep: (MethodScores & { sigma: number })[];
  /** Pixel ROC AUC of the SSIM maps (1 - SSIM(x0, x)) / 2 beside the |x0 - x| maps, per sigma (whole-image mode). */
  ssimSweep: { sigma: number; residual: number; projection: number }[];
  /**
   * Whole-image mode: every figure above is of corrected maps (score/corrections.ts: edge gain
   * and missing detail, measured on the training's held-out images as the app's calibration
   * does); here the pixel ROC AUC of the same maps uncorrected and with the edge gain only,
   * per sigma, at the first grid point.
   */
  corrections: { sigma: number; plain: MethodPair; edgesOnly: MethodPair }[];
}

/**
 * The held-out normal images' unsmoothed maps of one method (whole-image mode; none in patch
 * mode), on which each sigma's map correction is measured as the app's calibration does.
 */
async function heldOutMaps(vae: Vae, heldOut: FloatImage[], projection: ProjectionSettings, method: AnomalyMethod, s: EvalSettings, corrections: MapCorrections = {}): Promise<AnomalyResult[]> {
  if (s.mode !== 'whole' || heldOut.length === 0) return [];
  const run = await scoreBatch(vae, heldOut, { projection, smoothSigma: 0, methods: [method], corrections });
  return run.scored.map((r) => r[method]!);
}

/**
 * The test maps smoothed at `sigma` and corrected as the app corrects them, the correction
 * measured on the held-out maps at the same smoothing (unchanged without held-out maps or when
 * the test maps are not of the model's size).
 */
function corrected(test: AnomalyResult[], images: FloatImage[], heldOut: AnomalyResult[], heldOutImages: FloatImage[], sigma: number, detail = true): AnomalyResult[] {
  const maps = smoothed(test, sigma);
  if (heldOut.length === 0) return maps;
  const o: MeasureOptions = { smoothSigma: sigma, percentile: DEFAULT_PERCENTILE, detail };
  const c = measureCorrection(smoothed(heldOut, sigma), heldOutImages, o);
  return maps.map((r, i) => (r.width === images[i]!.width && r.height === images[i]!.height ? correctResult(r, images[i]!, c, sigma) : r));
}

/** The maps smoothed at `sigma` and their image scores (max of the smoothed map). */
function smoothed(results: AnomalyResult[], sigma: number): AnomalyResult[] {
  return results.map((r) => {
    const map = gaussianSmooth(r.map, r.width, r.height, sigma);
    return { ...r, map, score: imageScore(map) };
  });
}

type Log = (line: string) => void;

export async function evaluateCategory(cat: EvalCategory, s: EvalSettings, log: Log): Promise<CategoryReport> {
  const first = cat.train[0];
  if (!first) throw new Error(`${cat.name}: no training images`);
  const vae = createVae({ size: s.size, channels: first.channels, latent: s.latent, width: s.width, ...(s.depth === undefined ? {} : { depth: s.depth }), bottleneck: s.bottleneck, reconstruction: s.reconstruction }, s.seed);
  try {
    const t0 = performance.now();
    const trained = await trainVae(vae, trainingImages(cat, s), {
      epochs: s.epochs, batchSize: s.batch, learningRate: s.learningRate, beta: s.beta,
      validationSplit: 0.1, augment: { flips: true, rot90: true, maxShift: 0 }, seed: s.seed,
      schedule: s.schedule, patience: s.patience, ...(s.budgetSec > 0 ? { timeBudgetSec: s.budgetSec } : {}), denoise: s.denoise,
    }, {
      onEpochEnd: (e) => log(`${cat.name}: epoch ${e.epoch}/${s.epochs} loss ${e.loss.toFixed(2)}${e.valLoss === null ? '' : ` val ${e.valLoss.toFixed(2)}`}`),
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const finalLoss = trained.history.at(-1)?.loss ?? NaN;
    const first = grid(s)[0]!;
    const scorer = modeScorer(vae, cat, { ...s, sigma: 0 });
    const rawResiduals = await scorer.score(first, 'residual');
    const heldOutResiduals = await heldOutMaps(vae, trained.validation, first, 'residual', s);
    const testImages = cat.test.map((t) => toSize(t.image, s.size));
    const sigmas = s.sigmas;
    const residualAt = (sigma: number, detail = true) => corrected(rawResiduals, testImages, heldOutResiduals, trained.validation, sigma, detail);
    const residualSweep = sigmas.map((sigma) => ({ sigma, ...methodScores(cat, scorer.masks, residualAt(sigma)) }));
    const residuals = residualAt(sigmas[0] ?? 0);
    const ssimResiduals = scorer.lastSsim;
    // The 'calibrated' projection's weight gain: the residual's edge gain at the reported smoothing, as the app's calibration measures it.
    const residualGain = heldOutResiduals.length > 0 ? edgeGainFrom(smoothed(heldOutResiduals, sigmas[0] ?? 0)) : [];
    const weighting: MapCorrections = residualGain.length > 0 ? { residual: { edgeGain: residualGain } } : {};
    const sweep: SweepEntry[] = [];
    let stepMs = 0;
    let reported: AnomalyResult[] = [];
    // Image scores as the app takes them (whole images): the maps at half the reported smoothing, corrected there.
    const scoreSigma = scoreSigmaFor(sigmas[0] ?? 0);
    const labels = cat.test.map((t) => t.label);
    let projectionScored: AnomalyResult[] = [];
    const ssimSweep: CategoryReport['ssimSweep'] = [];
    const corrections: CategoryReport['corrections'] = [];
    const pixelAt = (rs: AnomalyResult[], sigma: number) => pixelAuroc(smoothed(rs, sigma), scorer.masks);
    for (const settings of grid(s)) {
      const t1 = performance.now();
      const raw = await scorer.score(settings, 'projection', weighting);
      const elapsed = performance.now() - t1;
      const heldOut = await heldOutMaps(vae, trained.validation, settings, 'projection', s, weighting);
      const projectionAt = (sigma: number, detail = true) => corrected(raw, testImages, heldOut, trained.validation, sigma, detail);
      if (sweep.length === 0) {
        stepMs = elapsed / (settings.iterations * cat.test.length);
        reported = projectionAt(sigmas[0] ?? 0);
        projectionScored = s.mode === 'whole' ? projectionAt(scoreSigma) : reported;
        for (const sigma of sigmas) {
          const edgesOnly = { residual: pixelAuroc(residualAt(sigma, false), scorer.masks), projection: pixelAuroc(projectionAt(sigma, false), scorer.masks) };
          corrections.push({ sigma, plain: { residual: pixelAt(rawResiduals, sigma), projection: pixelAt(raw, sigma) }, edgesOnly });
        }
        const ssimProjections = scorer.lastSsim;
        if (ssimResiduals && ssimProjections) {
          for (const sigma of sigmas) ssimSweep.push({ sigma, residual: pixelAt(ssimResiduals, sigma), projection: pixelAt(ssimProjections, sigma) });
        }
      }
      for (const sigma of sigmas) {
        const entry = { ...settings, sigma, ...methodScores(cat, scorer.masks, projectionAt(sigma)) };
        sweep.push(entry);
        log(`${cat.name}: ${entry.variant} alpha ${entry.alpha} lambda ${entry.lambda} T ${entry.iterations} sigma ${sigma}: pixel ${entry.pixelAuroc.toFixed(4)} aupro ${entry.aupro.toFixed(4)} image ${entry.imageAuroc.toFixed(4)}`);
      }
    }
    const residual = methodScores(cat, scorer.masks, residuals);
    const chosen = sweep[0]!;
    const residualScored = s.mode === 'whole' ? residualAt(scoreSigma) : residuals;
    const byDefect = perDefect(cat, (pick) => ({ residual: pixelAuroc(pick(residuals), pick(scorer.masks)), projection: pixelAuroc(pick(reported), pick(scorer.masks)) }));
    const imageByDefect = perDefect(cat, (pick) => ({ residual: imageAuroc(pick(residualScored), pick(labels)), projection: imageAuroc(pick(projectionScored), pick(labels)) }));
    return {
      pixelAuroc: { residual: residual.pixelAuroc, projection: chosen.pixelAuroc },
      aupro: { residual: residual.aupro, projection: chosen.aupro },
      imageAuroc: { residual: imageAuroc(residualScored, labels), projection: imageAuroc(projectionScored, labels) },
      trainSeconds, epochsDone: trained.epochsDone, endedBy: trained.endedBy, bestEpoch: trained.bestEpoch, byDefect, imageByDefect,
      msPerProjectionStep: stepMs, finalLoss,
      trainImages: cat.train.length, testImages: cat.test.length, sweep, residualSweep, ssimSweep, corrections,
    };
  } finally {
    vae.dispose();
  }
}

function grid(s: EvalSettings): ProjectionSettings[] {
  const out: ProjectionSettings[] = [];
  for (const variant of s.variants)
    for (const alpha of s.alphas)
      for (const lambda of s.lambdas)
        for (const iterations of s.iterations) out.push({ alpha, lambda, iterations, variant });
  return out;
}

/** Picks the entries of the good test images and those of one defect type, in test order. */
type Pick = <T>(xs: T[]) => T[];

/** Each defect type against the good images: which defects each method finds, by `measure`. */
function perDefect(cat: EvalCategory, measure: (pick: Pick) => MethodPair): Record<string, MethodPair> {
  const out: Record<string, MethodPair> = {};
  const types = [...new Set(cat.test.map((t) => t.defect))].filter((d) => d !== 'good').sort();
  for (const type of types) {
    const keep = cat.test.map((t, i) => (t.defect === type || t.defect === 'good' ? i : -1)).filter((i) => i >= 0);
    out[type] = measure((xs) => keep.map((i) => xs[i]!));
  }
  return out;
}

function methodScores(cat: EvalCategory, masks: Mask[], results: AnomalyResult[]): MethodScores {
  return {
    pixelAuroc: pixelAuroc(results, masks),
    aupro: pixelAupro(results, masks),
    imageAuroc: imageAuroc(results, cat.test.map((t) => t.label)),
  };
}
