/**
 * The training loop: Adam on the VAE's variables, seeded batches with
 * augmentation, a validation split, progress events, cancellation between
 * steps; a learning-rate schedule, a time budget and early stopping
 * (schedule.ts), and the weights of the best epoch by validation loss kept at
 * the end. Losses are read back from the backend only every few steps, so GPU
 * backends are not forced to sync after each step.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { stackImages } from '../data/augment';
import { mulberry32 } from '../data/random';
import { EngineError } from '../errors';
import { yieldToEventLoop } from '../event-loop';
import type { Vae } from '../model/autoencoder';
import { vaeLoss } from '../model/loss';
import { latentDim } from '../model/vae';
import { coarseNoise } from './corrupt';
import type { FloatImage, TrainConfig, TrainEnd, TrainProgress } from '../types';

export type { TrainEnd };
import { Adam } from './adam';
import { emptyBatchBuffers, epochOrder, makeBatch, planBatches, splitValidation, type BatchBuffers, type BatchPlan } from './batches';
import { LossWindow, type Losses } from './losses';
import { takeAdamStep } from './step';
import { BestEpoch, budgetReached, etaMs, learningRateAt, runProgress } from './schedule';

/** Steps between two read-backs of the losses (and two progress events). */
export const READ_EVERY = 5;

export interface EpochSummary {
  /** 1-based. */
  epoch: number;
  /** Mean training loss per image over the epoch (recon + beta * kl, sampled latent). */
  loss: number;
  /** Mean validation loss per image (latent = mu), null without a validation set. */
  valLoss: number | null;
}

export interface TrainHooks {
  /** Every READ_EVERY steps and at the end of each epoch (after its validation). epoch and step are 1-based. */
  onProgress?(p: TrainProgress): void;
  onEpochEnd?(e: EpochSummary): void | Promise<void>;
  /** Checked before every step; true ends training (the weights are the best finished epoch's). */
  shouldStop?(): boolean;
  /** The clock in ms (default performance.now); tests pass their own. */
  now?(): number;
}


export interface TrainResult {
  /** Epochs finished completely. */
  epochsDone: number;
  /** Ended before its last epoch (endedBy is not 'epochs'). */
  stopped: boolean;
  endedBy: TrainEnd;
  /**
   * The epoch whose weights the model has at the end: the lowest validation loss (the last
   * finished epoch without a validation set); null when no epoch finished.
   */
  bestEpoch: number | null;
  history: EpochSummary[];
  /** The held-out images, for calibration. */
  validation: FloatImage[];
  /**
   * Set when the loss became NaN or infinite: training stopped there (`stopped` is true) and the
   * weights are those of the last epoch whose losses were finite (the initial ones before epoch 1).
   */
  diverged: string | null;
}

interface Loop {
  vae: Vae;
  cfg: TrainConfig;
  hooks: TrainHooks;
  rng: () => number;
  train: FloatImage[];
  plan: BatchPlan;
  optimizer: Adam;
  now: () => number;
  startMs: number;
  budgetMs: number | null;
  stepsDone: number;
  totalSteps: number;
  valLoss: number | null;
  learningRate: number;
  /** The batches' buffers, reused from step to step. */
  buffers: BatchBuffers;
}

function invalid(message: string): never {
  throw new EngineError('invalid-argument', message);
}

function validateInputs(vae: Vae, images: FloatImage[], cfg: TrainConfig): void {
  if (images.length === 0) throw new EngineError('empty-dataset', 'There are no training images.');
  const { size, channels } = vae.config;
  images.forEach((img, i) => {
    if (img.width !== size || img.height !== size || img.channels !== channels || img.data.length !== size * size * channels) {
      invalid(`Training image ${i} is ${img.width} x ${img.height} x ${img.channels}; the model expects ${size} x ${size} x ${channels}.`);
    }
  });
  if (!Number.isInteger(cfg.epochs) || cfg.epochs < 1) invalid(`Epochs must be a whole number of at least 1, got ${cfg.epochs}.`);
  if (!Number.isInteger(cfg.batchSize) || cfg.batchSize < 1) invalid(`Batch size must be a whole number of at least 1, got ${cfg.batchSize}.`);
  if (!(cfg.learningRate > 0 && Number.isFinite(cfg.learningRate))) invalid(`Learning rate must be positive, got ${cfg.learningRate}.`);
  if (!(cfg.beta >= 0 && Number.isFinite(cfg.beta))) invalid(`The KL weight beta must be zero or positive, got ${cfg.beta}.`);
  if (!(cfg.validationSplit >= 0 && cfg.validationSplit <= 0.5)) {
    invalid(`The validation split must be from 0 to 0.5, got ${cfg.validationSplit}.`);
  }
  if (cfg.patience !== undefined && !(Number.isInteger(cfg.patience) && cfg.patience >= 0)) invalid(`Patience must be a whole number of epochs, got ${cfg.patience}.`);
  const budget = cfg.timeBudgetSec;
  if (budget !== undefined && !(budget >= 0 && Number.isFinite(budget))) invalid(`The time budget must be zero or more seconds, got ${budget}.`);
  if (cfg.warmup !== undefined && !(cfg.warmup >= 0 && cfg.warmup <= 0.5)) invalid(`The warm-up must be from 0 to 0.5 of the run, got ${cfg.warmup}.`);
  if (cfg.denoise !== undefined && !(cfg.denoise >= 0 && cfg.denoise <= 1)) invalid(`The denoising noise must be from 0 to 1, got ${cfg.denoise}.`);
}

/**
 * The batch of a step as a tensor. Its values come from the loop's reused buffers: the next call
 * overwrites them, so the tensor must have been used (uploaded, on GPU backends) or disposed by
 * then; runEpoch makes the next batch after the step that uses this one.
 */
function batchTensor(loop: Loop, order: number[], step: number): Tensor4D {
  const { batchSize } = loop.plan;
  const { size, channels } = loop.vae.config;
  const data = makeBatch(loop.train, order.slice(step * batchSize, (step + 1) * batchSize), loop.cfg.augment, loop.rng, loop.buffers);
  return tf.tensor4d(data, [batchSize, size, size, channels]);
}

/** One Adam step; returns [loss, recon, kl] of the batch, still on the backend. */
function trainStep(loop: Loop, x: Tensor4D): Tensor1D {
  const seed = Math.floor(loop.rng() * 2 ** 31);
  // Drawn only when denoising, so that training without it keeps its random stream.
  const denoise = loop.cfg.denoise ?? 0;
  const noiseSeed = denoise > 0 ? Math.floor(loop.rng() * 2 ** 31) : 0;
  loop.learningRate = learningRateAt(loop.cfg, runProgress(loop.stepsDone, loop.totalSteps, loop.now() - loop.startMs, loop.budgetMs));
  // Adam reads its rate at every update.
  loop.optimizer.learningRate = loop.learningRate;
  const parts: Scalar[] = [];
  try {
    const loss = takeAdamStep(loop.vae, loop.optimizer, () => {
      const noise = tf.randomNormal([x.shape[0], latentDim(loop.vae.config)], 0, 1, 'float32', seed) as Tensor2D;
      const l = vaeLoss(loop.vae, coarseNoise(x, denoise, noiseSeed), loop.cfg.beta, noise, x);
      parts.push(tf.keep(l.recon), tf.keep(l.kl));
      return l.loss;
    });
    parts.unshift(loss);
    return tf.tidy(() => tf.stack(parts) as Tensor1D);
  } finally {
    tf.dispose(parts);
  }
}

function emitProgress(loop: Loop, epoch: number, step: number, recent: Losses): void {
  const elapsedMs = loop.now() - loop.startMs;
  const images = loop.stepsDone * loop.plan.batchSize;
  const { stepsDone, totalSteps, budgetMs } = loop;
  loop.hooks.onProgress?.({
    epoch,
    epochs: loop.cfg.epochs,
    step,
    stepsPerEpoch: loop.plan.stepsPerEpoch,
    ...recent,
    valLoss: loop.valLoss,
    imagesPerSec: elapsedMs > 0 ? (images * 1000) / elapsedMs : 0,
    etaMs: etaMs(stepsDone, totalSteps, elapsedMs, budgetMs),
    fraction: runProgress(stepsDone, totalSteps, elapsedMs, budgetMs),
    budgetMs,
    learningRate: loop.learningRate,
  });
}

type EpochOutcome = { kind: 'done'; mean: number; last: Losses } | { kind: 'stopped' } | { kind: 'diverged'; step: number };

/** Runs the steps of one epoch; ends early when shouldStop says so or a read loss is not finite. */
async function runEpoch(loop: Loop, epoch: number): Promise<EpochOutcome> {
  const steps = loop.plan.stepsPerEpoch;
  const order = epochOrder(loop.train.length, loop.plan, loop.rng);
  const window = new LossWindow();
  let next: Tensor4D | null = null;
  try {
    for (let step = 0; step < steps; step++) {
      if (loop.hooks.shouldStop?.()) return { kind: 'stopped' };
      const x = next ?? batchTensor(loop, order, step);
      next = null;
      try {
        window.push(trainStep(loop, x));
      } finally {
        x.dispose();
      }
      loop.stepsDone++;
      const last = step + 1 === steps;
      // Assembled while a GPU backend still runs the step just queued.
      if (!last) next = batchTensor(loop, order, step + 1);
      if (last || window.pendingCount >= READ_EVERY) {
        const recent = await window.read();
        if (!Number.isFinite(recent.loss)) return { kind: 'diverged', step: step + 1 };
        if (!last) emitProgress(loop, epoch, step + 1, recent);
      }
      await yieldToEventLoop();
    }
    return { kind: 'done', mean: window.epochMean().loss, last: window.lastRead };
  } finally {
    next?.dispose();
    window.dispose();
  }
}

/** Mean loss per image on the held-out set, decoding mu (no sampling). */
async function validationLoss(vae: Vae, images: FloatImage[], cfg: TrainConfig, buffers: BatchBuffers): Promise<number> {
  const { size, channels } = vae.config;
  let total = 0;
  for (let start = 0; start < images.length; start += cfg.batchSize) {
    const chunk = images.slice(start, start + cfg.batchSize);
    const sum = tf.tidy(() => {
      // In the training batch's buffer where the chunk is a full batch: none waits in it between epochs.
      const x = tf.tensor4d(stackImages(chunk, buffers.batch), [chunk.length, size, size, channels]);
      return tf.mul(vaeLoss(vae, x, cfg.beta).loss, chunk.length);
    });
    try {
      total += (await sum.data())[0] ?? NaN;
    } finally {
      sum.dispose();
    }
  }
  return total / images.length;
}

/** Copies of the variables at the end of an epoch (the best one), to go back to at the end. */
class SavedWeights {
  private saved: tf.Tensor[];
  constructor(private readonly vae: Vae) {
    this.saved = vae.variables.map((v) => tf.keep(v.clone()));
  }
  save(): void {
    tf.dispose(this.saved);
    this.saved = this.vae.variables.map((v) => tf.keep(v.clone()));
  }
  restore(): void {
    this.vae.variables.forEach((v, i) => {
      const t = this.saved[i];
      if (t) v.assign(t);
    });
  }
  dispose(): void {
    tf.dispose(this.saved);
  }
}

function divergedText(epoch: number, where: string, keptEpoch: number | null): string {
  const kept = keptEpoch !== null ? `the weights of epoch ${keptEpoch} are kept` : 'no epoch finished, so nothing was kept';
  return `Training stopped in epoch ${epoch}: the ${where} loss became NaN or infinite (the model diverged); ${kept}. Lower the learning rate or the KL weight and train again.`;
}

/**
 * Trains `vae` in place on `images` (all vae.config.size square, vae.config.channels).
 * Deterministic for a seed on a given backend. Throws 'empty-dataset' or 'invalid-argument'.
 */
export async function trainVae(vae: Vae, images: FloatImage[], cfg: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  validateInputs(vae, images, cfg);
  const rng = mulberry32(cfg.seed);
  const { train, validation } = splitValidation(images, cfg.validationSplit, rng);
  const plan = planBatches(train.length, cfg.batchSize);
  const optimizer = new Adam(cfg.learningRate);
  const totalSteps = cfg.epochs * plan.stepsPerEpoch;
  const now = hooks.now ?? (() => performance.now());
  const budgetMs = cfg.timeBudgetSec ? cfg.timeBudgetSec * 1000 : null;
  const loop: Loop = {
    vae, cfg, hooks, rng, train, plan, optimizer, now, startMs: now(), budgetMs, stepsDone: 0, totalSteps, valLoss: null, learningRate: cfg.learningRate, buffers: emptyBatchBuffers(),
  };
  const history: EpochSummary[] = [];
  const best = new BestEpoch(validation.length > 0 ? (cfg.patience ?? 0) : 0);
  const saved = new SavedWeights(vae);
  let lastDone = 0;
  const end = (endedBy: TrainEnd, divergedIn?: { epoch: number; where: string }): TrainResult => {
    saved.restore();
    const bestEpoch = lastDone === 0 ? null : (best.epoch ?? lastDone);
    const diverged = divergedIn ? divergedText(divergedIn.epoch, divergedIn.where, bestEpoch) : null;
    return { epochsDone: lastDone, stopped: endedBy !== 'epochs', endedBy, bestEpoch, history, validation, diverged };
  };
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const stats = await runEpoch(loop, epoch);
      if (stats.kind === 'stopped') return end('stop');
      if (stats.kind === 'diverged' || !Number.isFinite(stats.mean)) return end('diverged', { epoch, where: 'training' });
      loop.valLoss = validation.length > 0 ? await validationLoss(vae, validation, cfg, loop.buffers) : null;
      if (loop.valLoss !== null && !Number.isFinite(loop.valLoss)) return end('diverged', { epoch, where: 'validation' });
      lastDone = epoch;
      if (loop.valLoss === null || best.record(epoch, loop.valLoss)) saved.save();
      emitProgress(loop, epoch, plan.stepsPerEpoch, stats.last);
      const summary: EpochSummary = { epoch, loss: stats.mean, valLoss: loop.valLoss };
      history.push(summary);
      await hooks.onEpochEnd?.(summary);
      if (epoch === cfg.epochs) break;
      if (best.exhausted()) return end('patience');
      if (budgetReached(now() - loop.startMs, epoch, budgetMs)) return end('budget');
    }
    return end('epochs');
  } finally {
    saved.dispose();
    optimizer.dispose();
  }
}
