import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../engine/testing/cpu';
import type { JobContext } from '../runtime/context';
import { ImageStore } from '../dataset/images';
import type { LoadedModel } from '../runtime/modelSlot';
import { inspectJob, scoreJob } from './inspect';
import type { TrainArgs } from '../protocol';
import { trainJob } from '../training/train';

function context<E>(stopAfter = Infinity): JobContext<E> & { events: E[] } {
  const events: E[] = [];
  return { id: 1, events, shouldStop: () => events.length >= stopAfter, emit: (e) => events.push(e) };
}

const args: TrainArgs = {
  vae: { size: 16, latent: 4, width: 4 },
  train: { epochs: 1, batchSize: 4, learningRate: 1e-3, beta: 0.01, validationSplit: 0.25, augment: { flips: true, rot90: false, maxShift: 0 }, seed: 1 },
  projection: { alpha: 1, lambda: 0.1, iterations: 3, variant: 'weighted' },
  gridSize: 2,
  input: { mode: 'whole', fit: 'letterbox' },
};

let store: ImageStore;
let model: LoadedModel;

beforeAll(async () => {
  await useCpu();
  store = new ImageStore();
  store.loadDemo({ size: 16, normal: 8, test: 5, seed: 2 });
  const ctx = context<unknown>();
  const before = tf.memory().numTensors;
  const trained = await trainJob(store, args, ctx as never);
  if (!trained.model || !trained.info.model) throw new Error('no model');
  model = trained.model;
  expect(tf.memory().numTensors - before).toBe(model.vae.variables.length);
  expect(trained.info.model.calibration.at).toEqual(args.projection);
  expect(trained.info.model.calibration.residual?.scaleMax).toBeGreaterThan(0);
  expect(trained.info.model.calibration.projection?.scaleMax).toBeGreaterThan(0);
  expect(trained.info.model.config.channels).toBe(3);
  const kinds = (ctx.events as { kind: string }[]).map((e) => e.kind);
  expect(kinds).toContain('epoch');
  // Training ends calibrating: the phase, then the calibration's progress.
  const calibrating = kinds.lastIndexOf('phase');
  expect(calibrating).toBeGreaterThan(kinds.lastIndexOf('epoch'));
  expect(new Set(kinds.slice(calibrating + 1))).toEqual(new Set(['calibration']));
});

describe('worker jobs on the cpu backend', () => {
  it('inspect sends the residual first, then frames with x_t and its map; nothing leaks', async () => {
    const id = store.list('test')[0]?.id ?? '';
    const before = tf.memory().numTensors;
    const ctx = context<{ kind: string; map?: Float32Array; scoreMap?: Float32Array; image?: unknown }>();
    const r = await inspectJob(store, model, { testId: id, settings: args.projection, every: 1 }, ctx as never);
    expect(tf.memory().numTensors).toBe(before);
    expect(ctx.events[0]?.kind).toBe('residual');
    const frames = ctx.events.filter((e) => e.kind === 'frame');
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.some((f) => f.map?.length === 256 && f.image)).toBe(true);
    expect(r.projection.map).toHaveLength(256);
    expect(r.residual.score).toBeGreaterThan(0);
    expect(r.energies.length).toBe(frames.length);
    // The model scores at a finer smoothing: the frames carry that map too, the last one the result's.
    const finalScores = r.projection.scoreMap;
    if (!finalScores) throw new Error('no score map');
    Array.from(frames.at(-1)?.scoreMap ?? []).forEach((v, i) => expect(v).toBeCloseTo(finalScores[i] ?? NaN, 6));
    expect(frames.at(-1)?.scoreMap).toHaveLength(256);
  });

  it('score sends one event per image, scored as alone, and a cancel during a batch leaves no partial result', async () => {
    const ids = store.list('test').map((t) => t.id);
    const all = context<{ testId: string; projection: number }>();
    expect(await scoreJob(store, model, ids, args.projection, all as never)).toEqual({ stopped: false });
    expect(all.events.map((e) => e.testId)).toEqual(ids);
    const alone = await inspectJob(store, model, { testId: ids[1] ?? '', settings: args.projection, every: 3 }, context() as never);
    expect(Math.abs((all.events[1]?.projection ?? 0) - alone.projection.score)).toBeLessThan(1e-5);
    let polls = 0;
    const cancelled = { ...context<{ testId: string }>(), shouldStop: () => ++polls > 2 };
    expect(await scoreJob(store, model, ids, args.projection, cancelled as never)).toEqual({ stopped: true });
    expect(cancelled.events).toHaveLength(0);
  });
});

describe('Stop during training', () => {
  it('keeps the finished epochs and still calibrates both methods', async () => {
    const events: { kind: string }[] = [];
    const ctx = { id: 2, shouldStop: () => events.some((e) => e.kind === 'epoch'), emit: (e: { kind: string }) => events.push(e) };
    const r = await trainJob(store, { ...args, train: { ...args.train, epochs: 3 } }, ctx as never);
    try {
      expect(r.info.model?.stopped).toBe(true);
      expect(r.info.model?.epochsDone).toBe(1);
      expect(r.info.model?.calibration.projection?.samples).toBe(2);
    } finally {
      r.model?.vae.dispose();
    }
  });
});
