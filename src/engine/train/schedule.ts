/**
 * When training ends and at what learning rate each step runs: the learning-rate schedule, the
 * time budget and early stopping on the validation loss. Pure bookkeeping, no tensors, so the
 * rules are tested without training.
 */
import type { TrainConfig } from '../types';

/** Warm-up length as a fraction of the run when the config does not say. */
export const DEFAULT_WARMUP = 0.05;
/** The cosine schedule decays to this fraction of the base rate, never to 0. */
export const COSINE_FLOOR = 0.05;

/**
 * Learning rate at `progress` in [0, 1] of the run (steps done over planned steps, or time spent
 * over the budget, whichever is further). 'cosine': linear warm-up, then a half cosine from the
 * base rate to COSINE_FLOOR of it (Loshchilov and Hutter 2017, without restarts).
 */
export function learningRateAt(cfg: Pick<TrainConfig, 'learningRate' | 'schedule' | 'warmup'>, progress: number): number {
  if ((cfg.schedule ?? 'constant') === 'constant') return cfg.learningRate;
  const p = Math.min(1, Math.max(0, progress));
  const warm = Math.min(0.5, Math.max(0, cfg.warmup ?? DEFAULT_WARMUP));
  if (warm > 0 && p < warm) return cfg.learningRate * Math.max(0.01, p / warm);
  const t = warm >= 1 ? 1 : (p - warm) / (1 - warm);
  return cfg.learningRate * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Fraction of the run done: steps over planned steps, or time over the budget when that is further. */
export function runProgress(stepsDone: number, totalSteps: number, elapsedMs: number, budgetMs: number | null): number {
  const bySteps = totalSteps > 0 ? stepsDone / totalSteps : 0;
  const byTime = budgetMs !== null && budgetMs > 0 ? elapsedMs / budgetMs : 0;
  return Math.min(1, Math.max(bySteps, byTime));
}

/**
 * At an epoch's end: would the next epoch end further past the budget than stopping now falls
 * short of it? Stopping when elapsed + half an epoch reaches the budget keeps the end within
 * half an epoch of it on either side.
 */
export function budgetReached(elapsedMs: number, epochsDone: number, budgetMs: number | null): boolean {
  if (budgetMs === null || budgetMs <= 0 || epochsDone === 0) return false;
  const epochMs = elapsedMs / epochsDone;
  return elapsedMs + epochMs / 2 >= budgetMs;
}

/** Time left, from the steps left at the current pace, capped by the budget's end. */
export function etaMs(stepsDone: number, totalSteps: number, elapsedMs: number, budgetMs: number | null): number {
  const bySteps = stepsDone > 0 ? (elapsedMs / stepsDone) * (totalSteps - stepsDone) : 0;
  return budgetMs !== null && budgetMs > 0 ? Math.max(0, Math.min(bySteps, budgetMs - elapsedMs)) : bySteps;
}

/** The best validation loss so far and how long since it improved (early stopping's patience). */
export class BestEpoch {
  epoch: number | null = null;
  loss = Infinity;
  private sinceBest = 0;

  constructor(private readonly patience: number) {}

  /** Records an epoch's validation loss; true when it is the best so far (its weights are worth keeping). */
  record(epoch: number, valLoss: number): boolean {
    if (valLoss < this.loss) {
      this.loss = valLoss;
      this.epoch = epoch;
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    return false;
  }

  /** Patience is spent: that many epochs in a row without a better validation loss (patience 0: never). */
  exhausted(): boolean {
    return this.patience > 0 && this.sinceBest >= this.patience;
  }
}
