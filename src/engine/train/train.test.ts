import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { isEngineError } from '../errors';
import { createVae } from '../model/vae';
import { useCpu } from '../testing/cpu';
import type { FloatImage, TrainConfig, TrainProgress } from '../types';
import { trainVae } from './train';

beforeAll(() => useCpu());

const SIZE = 16;
const vaeCfg = { size: SIZE, channels: 1 as const, latent: 4, width: 4 };

/** Smooth stripes with a per-image phase and direction. */
function stripes(n: number): FloatImage[] {
  return Array.from({ length: n }, (_, k) => {
    const data = new Float32Array(SIZE * SIZE);
    const dir = k % 2 === 0;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) data[y * SIZE + x] = 0.5 + 0.4 * Math.sin(((dir ? x : y) / SIZE) * 2 * Math.PI + k);
    }
    return { width: SIZE, height: SIZE, channels: 1, data };
  });
}

/** One smooth pattern at varying contrast: a model that learns it beats a flat grey output by far. */
function checkers(n: number): FloatImage[] {
  return Array.from({ length: n }, (_, k) => {
    const data = new Float32Array(SIZE * SIZE);
    const contrast = 0.6 + (0.4 * k) / n;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        data[y * SIZE + x] = 0.5 + 0.45 * contrast * Math.sin((x / SIZE) * 2 * Math.PI) * Math.cos((y / SIZE) * 2 * Math.PI);
      }
    }
    return { width: SIZE, height: SIZE, channels: 1, data };
  });
}

function trainCfg(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    epochs: 6,
    batchSize: 4,
    learningRate: 0.01,
    beta: 0.01,
    validationSplit: 0.2,
    augment: { flips: false, rot90: false, maxShift: 0 },
    seed: 1,
    ...over,
  };
}

async function rejects(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isEngineError(e) ? e.code : 'other error';
  }
  return 'no error';
}

describe('trainVae', () => {
  it('lowers the loss on simple images, reports well-formed progress and leaks no tensor', async () => {
    const vae = createVae(vaeCfg, 1);
    const images = checkers(10);
    const events: TrainProgress[] = [];
    const epochEnds: number[] = [];
    const before = tf.memory().numTensors;
    const cfg = trainCfg({ epochs: 8, batchSize: 2 });
    const result = await trainVae(vae, images, cfg, {
      onProgress: (p) => events.push(p),
      onEpochEnd: (e) => void epochEnds.push(e.epoch),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stopped).toBe(false);
    expect(result.epochsDone).toBe(8);
    expect(epochEnds).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.validation.length).toBe(2);
    const first = result.history[0]!;
    const last = result.history.at(-1)!;
    expect(last.loss).toBeLessThan(0.5 * first.loss);
    expect(last.valLoss!).toBeLessThan(first.valLoss!);
    // 8 training images, batch 2: 4 steps per epoch (under READ_EVERY), so one event per epoch end.
    expect(events.length).toBe(8);
    events.forEach((p, i) => {
      expect(p).toMatchObject({ epoch: i + 1, epochs: 8, step: 4, stepsPerEpoch: 4 });
      expect(p.loss).toBeCloseTo(p.recon + 0.01 * p.kl, 3);
      expect(p.kl).toBeGreaterThanOrEqual(0);
      expect(p.imagesPerSec).toBeGreaterThan(0);
      expect(p.etaMs).toBeGreaterThanOrEqual(0);
      expect(p.valLoss).toBe(result.history[i]!.valLoss);
    });
    expect(events.at(-1)!.etaMs).toBe(0);
    vae.dispose();
  });

  it('emits progress every few steps inside long epochs', async () => {
    const vae = createVae(vaeCfg, 2);
    const events: TrainProgress[] = [];
    await trainVae(vae, stripes(12), trainCfg({ epochs: 1, batchSize: 1, validationSplit: 0 }), { onProgress: (p) => events.push(p) });
    expect(events.map((p) => p.step)).toEqual([5, 10, 12]);
    expect(events.every((p) => p.valLoss === null && p.stepsPerEpoch === 12)).toBe(true);
    expect(events[0]!.etaMs).toBeGreaterThan(0);
    vae.dispose();
  });

  it('stops between steps when asked, keeping finished epochs', async () => {
    const vae = createVae(vaeCfg, 3);
    const before = tf.memory().numTensors;
    let checks = 0;
    const result = await trainVae(vae, stripes(8), trainCfg({ epochs: 5, batchSize: 2, validationSplit: 0 }), {
      shouldStop: () => ++checks > 6,
    });
    expect(result.stopped).toBe(true);
    // 4 steps per epoch: steps 1-6 run, the 7th check stops in epoch 2.
    expect(result.epochsDone).toBe(1);
    expect(result.history.length).toBe(1);
    expect(checks).toBe(7);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
  });

  it('stops on a NaN loss with a clear message and keeps the weights of the last good epoch', async () => {
    const vae = createVae(vaeCfg, 7);
    const before = tf.memory().numTensors;
    let good: number[][] = [];
    const result = await trainVae(vae, stripes(8), trainCfg({ epochs: 4, batchSize: 2, validationSplit: 0 }), {
      onEpochEnd: async (e) => {
        if (e.epoch !== 2) return;
        good = await Promise.all(vae.variables.map(async (v) => Array.from(await v.data())));
        // Poisons one weight: every later forward pass, and so the loss, is NaN.
        const w = vae.variables[0]!;
        const poisoned = tf.mul(w, NaN);
        w.assign(poisoned);
        poisoned.dispose();
      },
    });
    expect(result).toMatchObject({ stopped: true, epochsDone: 2 });
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(result.diverged).toMatch(/epoch 3.*NaN or infinite.*weights of epoch 2 are kept.*learning rate/);
    const kept = await Promise.all(vae.variables.map(async (v) => Array.from(await v.data())));
    expect(kept).toEqual(good);
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
  });

  it('trains on a single image, which is also the validation set', async () => {
    const vae = createVae(vaeCfg, 4);
    const image = stripes(1);
    const w0 = Array.from(await vae.variables[0]!.data());
    const result = await trainVae(vae, image, trainCfg({ epochs: 2, batchSize: 8 }));
    expect(result.validation).toEqual(image);
    expect(result.history.every((h) => h.valLoss !== null && Number.isFinite(h.valLoss))).toBe(true);
    expect(Array.from(await vae.variables[0]!.data())).not.toEqual(w0);
    vae.dispose();
  });

  it('is reproducible for a seed', async () => {
    const run = async (): Promise<number[]> => {
      const vae = createVae(vaeCfg, 5);
      const r = await trainVae(vae, stripes(6), trainCfg({ epochs: 2, augment: { flips: true, rot90: true, maxShift: 1 } }));
      vae.dispose();
      return r.history.flatMap((h) => [h.loss, h.valLoss ?? NaN]);
    };
    expect(await run()).toEqual(await run());
  });

  it('trains as a denoiser when asked: noisy inputs, losses against the clean images, no leak', async () => {
    const run = async (denoise: number): Promise<number[]> => {
      const vae = createVae(vaeCfg, 5);
      const before = tf.memory().numTensors;
      const r = await trainVae(vae, stripes(6), trainCfg({ epochs: 3, denoise }));
      expect(tf.memory().numTensors).toBe(before);
      vae.dispose();
      return r.history.map((h) => h.loss);
    };
    const clean = await run(0);
    const noisy = await run(0.2);
    expect(noisy).not.toEqual(clean);
    expect(noisy.at(-1)).toBeLessThan(noisy[0] as number);
  });

  it('ends at the epoch nearest a time budget, with honest progress, keeping the best epoch', async () => {
    const vae = createVae(vaeCfg, 8);
    let clock = 0;
    const events: TrainProgress[] = [];
    const snapshots = new Map<number, number[][]>();
    // 10 training images at batch 2: 5 steps of 100 ms, so 500 ms epochs against a 1.7 s budget.
    const result = await trainVae(vae, checkers(12), trainCfg({ epochs: 40, batchSize: 2, timeBudgetSec: 1.7, schedule: 'cosine' }), {
      now: () => clock,
      shouldStop: () => ((clock += 100), false),
      onProgress: (p) => events.push(p),
      onEpochEnd: async (e) => void snapshots.set(e.epoch, await Promise.all(vae.variables.map(async (v) => Array.from(await v.data())))),
    });
    expect(result).toMatchObject({ endedBy: 'budget', stopped: true, epochsDone: 3 });
    expect(Math.abs(clock - 1700)).toBeLessThanOrEqual(500);
    const fractions = events.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(events.every((p) => p.budgetMs === 1700 && p.etaMs <= 1700 - 100)).toBe(true);
    // The cosine schedule follows the budget: the rate falls once warmed up.
    expect(events.at(-1)!.learningRate).toBeLessThan(events[1]!.learningRate);
    const vals = result.history.map((h) => h.valLoss!);
    const best = vals.indexOf(Math.min(...vals)) + 1;
    expect(result.bestEpoch).toBe(best);
    expect(await Promise.all(vae.variables.map(async (v) => Array.from(await v.data())))).toEqual(snapshots.get(best));
    vae.dispose();
  });

  it('stops early when the validation loss has not improved for `patience` epochs', async () => {
    const vae = createVae(vaeCfg, 9);
    // A rate this high makes the validation loss wander, so patience 1 ends the run early.
    const result = await trainVae(vae, checkers(12), trainCfg({ epochs: 30, batchSize: 2, learningRate: 0.05, patience: 1 }));
    const vals = result.history.map((h) => h.valLoss!);
    expect(result.endedBy).toBe('patience');
    expect(result.epochsDone).toBeLessThan(30);
    // It ends at the first epoch that did not improve on the best before it.
    const firstWorse = vals.findIndex((v, i) => i > 0 && v >= Math.min(...vals.slice(0, i)));
    expect(result.epochsDone).toBe(firstWorse + 1);
    expect(result.bestEpoch).toBe(firstWorse);
    vae.dispose();
  });

  it('rejects bad input with engine error codes', async () => {
    const vae = createVae(vaeCfg, 6);
    const rgb: FloatImage = { width: SIZE, height: SIZE, channels: 3, data: new Float32Array(SIZE * SIZE * 3) };
    expect(await rejects(trainVae(vae, [], trainCfg()))).toBe('empty-dataset');
    expect(await rejects(trainVae(vae, [rgb], trainCfg()))).toBe('invalid-argument');
    expect(await rejects(trainVae(vae, stripes(2), trainCfg({ epochs: 0 })))).toBe('invalid-argument');
    expect(await rejects(trainVae(vae, stripes(2), trainCfg({ learningRate: -1 })))).toBe('invalid-argument');
    expect(await rejects(trainVae(vae, stripes(2), trainCfg({ validationSplit: 0.9 })))).toBe('invalid-argument');
    expect(await rejects(trainVae(vae, stripes(2), trainCfg({ patience: 1.5 })))).toBe('invalid-argument');
    expect(await rejects(trainVae(vae, stripes(2), trainCfg({ timeBudgetSec: -3 })))).toBe('invalid-argument');
    expect(await rejects(trainVae(vae, stripes(2), trainCfg({ denoise: -0.1 })))).toBe('invalid-argument');
    vae.dispose();
  });
});
