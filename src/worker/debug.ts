/**
 * Calls for the end-to-end tests (the page offers them only with ?test=1): memory figures, a
 * forced device loss, a forced out-of-memory failure, and many projections back to back to show
 * that long use leaks nothing. They touch nothing a person's session keeps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Autoencoder } from '../engine/model/autoencoder';
import type { JobContext, SerialQueue } from './context';
import type { ImageStore } from './images';
import { inspectJob, requireModel } from './inspect';
import { injected, workerStats } from './memory';
import type { DebugArgs, DebugResult } from './robustProtocol';

export interface DebugDeps {
  store: ImageStore;
  model(): Autoencoder | null;
  gpu: SerialQueue;
}

function loseDevice(): boolean {
  const device = (tf.backend() as unknown as { device?: { destroy?(): void } }).device;
  device?.destroy?.();
  return typeof device?.destroy === 'function';
}

/** `n` inspections of one image through the same code as the page's, without sending frames. */
async function projectMany(deps: DebugDeps, args: Extract<DebugArgs, { kind: 'projectMany' }>): Promise<DebugResult> {
  const ctx: JobContext<unknown> = { id: -1, shouldStop: () => false, emit: () => undefined };
  const inspectArgs = { testId: args.testId, settings: args.settings, every: args.settings.iterations, smoothSigma: args.smoothSigma };
  // One run first, so caches that fill once (kernels, programs) are not counted as growth.
  await inspectJob(deps.store, requireModel(deps.model()), inspectArgs, ctx);
  const before = workerStats();
  for (let i = 0; i < args.n; i++) await inspectJob(deps.store, requireModel(deps.model()), inspectArgs, ctx);
  return { stats: workerStats(), before, done: true };
}

export async function debugJob(args: DebugArgs, deps: DebugDeps): Promise<DebugResult> {
  switch (args.kind) {
    case 'stats':
      return { stats: workerStats() };
    case 'loseDevice':
      return { stats: workerStats(), done: loseDevice() };
    case 'failNext':
      injected.next = args.what;
      return { stats: workerStats(), done: true };
    case 'projectMany':
      return deps.gpu.run(() => projectMany(deps, args));
  }
}
