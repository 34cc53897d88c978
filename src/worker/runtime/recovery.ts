/**
 * Surviving a lost GPU device. The model's weights live on the device, so a plain-array copy is
 * kept (ModelKeeper, refreshed whenever the model changes); when the WebGPU device is lost the
 * worker moves to the next backend, rebuilds the model from that copy and tells the page. The
 * dataset's pixels are plain arrays in the worker and need nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, chooseBackend, watchDeviceLoss, type BackendChoice, type WasmPaths } from '../../engine/backend';
import { errorMessage } from '../../engine/errors';
import { releaseSimdHelpers } from '../../engine/kernels/simd-module';
import type { Vae } from '../../engine/model/autoencoder';
import { exportArtifacts, importArtifacts } from '../../engine/model/io';
import type { ModelArtifacts } from '../../engine/types';
import type { BackendLoss } from '../protocol';

export class ModelKeeper {
  private copy: { vae: Vae; artifacts: ModelArtifacts } | null = null;

  /** Takes a copy of `model` unless the one held is already of it. */
  async sync(model: Vae | null): Promise<void> {
    if (model === null) this.copy = null;
    else if (this.copy?.vae !== model) this.copy = { vae: model, artifacts: await exportArtifacts(model) };
  }

  /** `model` rebuilt on the current backend from its copy; null when no copy of it is held. */
  rebuild(model: Vae | null): Vae | null {
    if (model === null || this.copy?.vae !== model) return null;
    const vae = importArtifacts(this.copy.artifacts);
    this.copy = { vae, artifacts: this.copy.artifacts };
    return vae;
  }
}

export interface LossHandling {
  /** The current model, and where to put the rebuilt one (the lost one is disposed there). */
  getModel(): Vae | null;
  setModel(vae: Vae | null): void;
  keeper: ModelKeeper;
  wasmPaths: WasmPaths | undefined;
  wasmThreads: number;
}

/** Resolves the page's pending watchBackend call when the device is lost. */
export class BackendWatch {
  private waiting: ((loss: BackendLoss) => void)[] = [];

  next(): Promise<BackendLoss> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Watches the current backend (a no-op off WebGPU). */
  watch(h: LossHandling): void {
    watchDeviceLoss((message) => void this.recover(h, (message || 'the GPU device was lost').replace(/\.$/, ''), 'lost'));
  }

  /**
   * The current backend broke (a WASM trap leaves its module unusable): drop its instance, register
   * its factory again and try it first, else the next one that works. (Measured in Chromium: a
   * fresh WASM module in the same worker aborts too, so in practice the next backend is chosen.)
   */
  async restart(h: LossHandling, message: string): Promise<void> {
    const name = tf.getBackend();
    const factory = tf.findBackendFactory(name);
    releaseSimdHelpers();
    try {
      tf.removeBackend(name);
    } catch (e) {
      console.warn(`Removing the broken ${name} backend failed`, e);
    }
    if (factory) tf.registerBackend(name, factory);
    await this.recover(h, message, 'restarted', name);
  }

  private async recover(h: LossHandling, message: string, how: BackendLoss['how'], prefer?: string): Promise<void> {
    const failed = tf.getBackend();
    const old = h.getModel();
    let loss: BackendLoss;
    try {
      const order = BACKEND_NAMES.filter((b) => b !== failed);
      const choice: BackendChoice = await chooseBackend({ override: prefer ?? null, order, wasmPaths: h.wasmPaths, wasmThreads: h.wasmThreads });
      const rebuilt = h.keeper.rebuild(old);
      h.setModel(rebuilt);
      loss = { how, message, choice, modelKept: old === null || rebuilt !== null };
    } catch (e) {
      h.setModel(null);
      loss = { how, message: `${message}; no other backend could start: ${errorMessage(e)}`, choice: null, modelKept: false };
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(loss);
  }
}
