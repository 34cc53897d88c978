/**
 * The one scoring pipeline: model, image and settings -> AnomalyResult for the plain residual and
 * for the projection (weighted or plain, as the settings say). Live inspection, batch scoring,
 * calibration and the eval CLI all call scoreImage (one image, with frames) or scoreBatch (many,
 * projected together in batches); none builds a result of its own.
 */
import type { Autoencoder } from '../model/autoencoder';
import { projectionBatchFor } from '../limits';
import { runProjection, runProjectionBatch } from '../project/run';
import type { AnomalyMethod, AnomalyResult, FloatImage, ProjectionFrame, ProjectionSettings } from '../types';
import { correctedResult, type MapCorrections } from './corrections';
import { gainPerPixel } from './edges';
import { reconstructImage, reconstructImages } from './score';

export interface ScoreOptions {
  projection: ProjectionSettings;
  /** Gaussian smoothing of the maps in pixels (smoothSigmaFor(size) in the app). */
  smoothSigma: number;
  /**
   * Each method's map correction (the model's calibration: correctionsOf); none by default. The
   * residual's edge gain is also the 'calibrated' projection's weight gain.
   */
  corrections?: MapCorrections;
  /** Which maps to make (default both). */
  methods?: readonly AnomalyMethod[];
  /** Report x_t every `every` projection steps (default: only x_T). */
  every?: number;
  shouldStop?(): boolean;
  /** The plain reconstruction and its map, before the projection starts. */
  onResidual?(recon: FloatImage, residual: AnomalyResult): void;
  /**
   * A projection frame, with the map |x0 - x_t| on frames that carry an image, and the map the
   * score is taken on where the corrections have a score scale (as the final result's scoreMap).
   */
  onFrame?(frame: ProjectionFrame, map: Float32Array | null, scoreMap?: Float32Array): void;
}

export interface Scored {
  recon: FloatImage | null;
  residual: AnomalyResult | null;
  projected: FloatImage | null;
  projection: AnomalyResult | null;
  energies: number[];
  /** shouldStop ended the projection early (its result is then of the x_t reached). */
  stopped: boolean;
}

export const BOTH_METHODS: readonly AnomalyMethod[] = ['residual', 'projection'];

/**
 * The 'calibrated' projection's weight gain: the residual's edge gain (measured before the
 * projection's own calibration, which uses it) at every pixel of the model's size; none for the
 * other variants or without a residual edge gain (the projection is then the paper's).
 */
function weightGainFor(model: Autoencoder, o: { projection: ProjectionSettings; corrections?: MapCorrections }): Float32Array | undefined {
  const gain = o.corrections?.residual?.edgeGain;
  if (o.projection.variant !== 'calibrated' || !gain || gain.length === 0) return undefined;
  return gainPerPixel(gain, model.config.size, model.config.size);
}

/** The map of x0 against x (smoothed), through the method's correction when there is one, scored at its score scale. */
function resultOf(method: AnomalyMethod, x0: FloatImage, x: FloatImage, o: { smoothSigma: number; corrections?: MapCorrections }): AnomalyResult {
  return correctedResult(method, x0, x, o.corrections?.[method], o.smoothSigma);
}

/** Scores x0 (the model's size and channels) with the requested methods. */
export async function scoreImage(model: Autoencoder, x0: FloatImage, o: ScoreOptions): Promise<Scored> {
  const methods = o.methods ?? BOTH_METHODS;
  const out: Scored = { recon: null, residual: null, projected: null, projection: null, energies: [], stopped: false };
  if (methods.includes('residual')) {
    out.recon = await reconstructImage(model, x0);
    out.residual = resultOf('residual', x0, out.recon, o);
    o.onResidual?.(out.recon, out.residual);
  }
  if (!methods.includes('projection')) return out;
  const run = await runProjection(model, x0, o.projection, {
    every: o.every ?? Math.max(1, o.projection.iterations),
    shouldStop: o.shouldStop,
    weightGain: weightGainFor(model, o),
    onFrame:
      o.onFrame &&
      ((f) => {
        const r = f.image ? resultOf('projection', x0, f.image, o) : null;
        o.onFrame?.(f, r?.map ?? null, r?.scoreMap);
      }),
  });
  out.projected = run.xT;
  out.projection = resultOf('projection', x0, run.xT, o);
  out.energies = run.energies;
  out.stopped = run.stopped;
  return out;
}

export interface BatchScoreOptions {
  projection: ProjectionSettings;
  smoothSigma: number;
  /** As ScoreOptions.corrections. */
  corrections?: MapCorrections;
  methods?: readonly AnomalyMethod[];
  /** Images per forward/backward pass (default projectionBatchFor(the model's size)). */
  batch?: number;
  /** Polled before every projection step; true ends the batch job. */
  shouldStop?(): boolean;
  /** Each image's result as soon as its batch is done, with its index in x0s. */
  onScored?(index: number, scored: Scored): void;
}

/**
 * Scores many images with the requested methods, `batch` at a time: one forward pass per batch
 * for the residuals, one forward and one backward pass per step for the whole batch's
 * projection. Each image gets the result scoreImage would give it alone (to float rounding).
 * Returns the results of the batches finished, and whether shouldStop ended the job (the batch
 * under way is then left out, so every returned result is complete).
 */
export async function scoreBatch(model: Autoencoder, x0s: FloatImage[], o: BatchScoreOptions): Promise<{ scored: Scored[]; stopped: boolean }> {
  const methods = o.methods ?? BOTH_METHODS;
  const batch = Math.max(1, Math.floor(o.batch ?? projectionBatchFor(model.config.size)));
  const scored: Scored[] = [];
  for (let start = 0; start < x0s.length; start += batch) {
    if (o.shouldStop?.() === true) return { scored, stopped: true };
    const chunk = x0s.slice(start, start + batch);
    const out: Scored[] = chunk.map(() => ({ recon: null, residual: null, projected: null, projection: null, energies: [], stopped: false }));
    if (methods.includes('residual')) {
      const recons = await reconstructImages(model, chunk);
      chunk.forEach((x0, i) => {
        const s = out[i]!;
        s.recon = recons[i] ?? null;
        s.residual = s.recon && resultOf('residual', x0, s.recon, o);
      });
    }
    if (methods.includes('projection')) {
      const runs = await runProjectionBatch(model, chunk, o.projection, { shouldStop: o.shouldStop, weightGain: weightGainFor(model, o) });
      if (runs.some((r) => r.stopped)) return { scored, stopped: true };
      chunk.forEach((x0, i) => {
        const run = runs[i]!;
        Object.assign(out[i]!, { projected: run.xT, projection: resultOf('projection', x0, run.xT, o), energies: run.energies });
      });
    }
    out.forEach((s, i) => {
      scored.push(s);
      o.onScored?.(start + i, s);
    });
  }
  return { scored, stopped: false };
}
