/**
 * The one scoring pipeline: model, image and settings -> AnomalyResult for the plain residual and
 * for the projection (weighted or plain, as the settings say). Live inspection, batch scoring,
 * calibration and the eval CLI all call scoreImage; none builds a result of its own.
 */
import type { Autoencoder } from '../model/autoencoder';
import { runProjection } from '../project/run';
import type { AnomalyMethod, AnomalyResult, FloatImage, ProjectionFrame, ProjectionSettings } from '../types';
import { anomalyMap, reconstructImage, toResult } from './score';

export interface ScoreOptions {
  projection: ProjectionSettings;
  /** Gaussian smoothing of the maps in pixels (smoothSigmaFor(size) in the app). */
  smoothSigma: number;
  /** Which maps to make (default both). */
  methods?: readonly AnomalyMethod[];
  /** Report x_t every `every` projection steps (default: only x_T). */
  every?: number;
  shouldStop?(): boolean;
  /** The plain reconstruction and its map, before the projection starts. */
  onResidual?(recon: FloatImage, residual: AnomalyResult): void;
  /** A projection frame, with the map |x0 - x_t| on frames that carry an image. */
  onFrame?(frame: ProjectionFrame, map: Float32Array | null): void;
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

/** Scores x0 (the model's size and channels) with the requested methods. */
export async function scoreImage(model: Autoencoder, x0: FloatImage, o: ScoreOptions): Promise<Scored> {
  const methods = o.methods ?? BOTH_METHODS;
  const out: Scored = { recon: null, residual: null, projected: null, projection: null, energies: [], stopped: false };
  if (methods.includes('residual')) {
    out.recon = await reconstructImage(model, x0);
    out.residual = toResult('residual', x0, out.recon, o.smoothSigma);
    o.onResidual?.(out.recon, out.residual);
  }
  if (!methods.includes('projection')) return out;
  const run = await runProjection(model, x0, o.projection, {
    every: o.every ?? Math.max(1, o.projection.iterations),
    shouldStop: o.shouldStop,
    onFrame: o.onFrame && ((f) => o.onFrame?.(f, f.image ? anomalyMap(x0, f.image, o.smoothSigma) : null)),
  });
  out.projected = run.xT;
  out.projection = toResult('projection', x0, run.xT, o.smoothSigma);
  out.energies = run.energies;
  out.stopped = run.stopped;
  return out;
}
