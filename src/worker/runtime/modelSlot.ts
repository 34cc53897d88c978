/**
 * The worker's one model: its weights on the backend and its description. Every change goes
 * through swap(), which disposes the weights it replaces, so no path can leak or keep a stale one.
 */
import { EngineError } from '../../engine/errors';
import type { Vae } from '../../engine/model/autoencoder';
import type { ModelDescription } from '../../engine/types';

export interface LoadedModel {
  vae: Vae;
  description: ModelDescription;
}

export class ModelSlot {
  private held: LoadedModel | null = null;
  /** Called after every swap (e.g. to drop results made with the old model). */
  onSwap: (() => void)[] = [];

  get vae(): Vae | null {
    return this.held?.vae ?? null;
  }

  get current(): LoadedModel | null {
    return this.held;
  }

  require(): LoadedModel {
    if (!this.held) throw new EngineError('invalid-argument', 'There is no trained model yet: train one first.');
    return this.held;
  }

  /** Puts `next` in (null = none) and disposes the weights held before, unless they are next's. */
  swap(next: LoadedModel | null): void {
    const old = this.held?.vae;
    this.held = next;
    if (old && old !== next?.vae) disposeQuietly(old);
    for (const fn of this.onSwap) fn();
  }

  /** The same weights with a new description (e.g. a new calibration). */
  describe(description: ModelDescription): void {
    if (this.held) this.held = { vae: this.held.vae, description };
  }

  /** New weights for the held description (the model rebuilt on another backend); null drops the model. */
  replaceWeights(vae: Vae | null): void {
    this.swap(vae && this.held ? { vae, description: this.held.description } : null);
  }
}

/** A model whose device is gone cannot always be freed; that only leaks memory of a dead device. */
function disposeQuietly(vae: Vae): void {
  try {
    vae.dispose();
  } catch (e) {
    console.warn('Disposing the previous model failed', e);
  }
}
