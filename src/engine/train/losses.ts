/** Step losses kept on the backend and read back in one go every few steps. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D } from '@tensorflow/tfjs-core';

/** Per-image losses (means over images). */
export interface Losses {
  loss: number;
  recon: number;
  kl: number;
}

const NO_LOSSES: Losses = { loss: NaN, recon: NaN, kl: NaN };

/**
 * Collects [loss, recon, kl] tensors of steps (all batches have the same size,
 * so plain means over steps are means over images); owns them until read().
 */
export class LossWindow {
  private pending: Tensor1D[] = [];
  private sum = { loss: 0, recon: 0, kl: 0 };
  private steps = 0;
  /** Mean of the steps of the latest read(). */
  lastRead: Losses = NO_LOSSES;

  get pendingCount(): number {
    return this.pending.length;
  }

  push(step: Tensor1D): void {
    this.pending.push(step);
  }

  /** Reads the pending steps with one data() call; returns their mean and adds them to the epoch total. */
  async read(): Promise<Losses> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.lastRead;
    const stacked = tf.tidy(() => tf.stack(batch));
    tf.dispose(batch);
    let values: Float32Array;
    try {
      values = (await stacked.data()) as Float32Array;
    } finally {
      stacked.dispose();
    }
    const recent = { loss: 0, recon: 0, kl: 0 };
    for (let i = 0; i < batch.length; i++) {
      recent.loss += values[3 * i] ?? NaN;
      recent.recon += values[3 * i + 1] ?? NaN;
      recent.kl += values[3 * i + 2] ?? NaN;
    }
    this.sum = { loss: this.sum.loss + recent.loss, recon: this.sum.recon + recent.recon, kl: this.sum.kl + recent.kl };
    this.steps += batch.length;
    const n = batch.length;
    this.lastRead = { loss: recent.loss / n, recon: recent.recon / n, kl: recent.kl / n };
    return this.lastRead;
  }

  /** Mean over every step read so far. */
  epochMean(): Losses {
    if (this.steps === 0) return NO_LOSSES;
    return { loss: this.sum.loss / this.steps, recon: this.sum.recon / this.steps, kl: this.sum.kl / this.steps };
  }

  /** Frees steps that were never read (training stopped or failed). */
  dispose(): void {
    tf.dispose(this.pending);
    this.pending = [];
  }
}
