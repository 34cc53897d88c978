import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../engine/testing/cpu';
import type { Vae } from '../../engine/model/autoencoder';
import type { TrainConfig } from '../../engine/types';
import type { JobContext } from '../runtime/context';
import { ImageStore } from '../dataset/images';
import type { TrainArgs, TrainEvent } from '../protocol';
import { reconstructImages } from '../../engine/score/score';
import { trainConfigFor, trainJob } from './train';

beforeAll(() => useCpu());

const TRAIN: TrainConfig = {
  epochs: 3,
  batchSize: 2,
  learningRate: 3e-3,
  beta: 0.01,
  validationSplit: 0.2,
  augment: { flips: false, rot90: false, maxShift: 0 },
  seed: 4,
};

function args(epochs: number): TrainArgs {
  return {
    vae: { size: 16, latent: 4, width: 4 },
    train: { ...TRAIN, epochs },
    projection: { alpha: 0.5, lambda: 0.1, iterations: 2, variant: 'weighted' },
    gridSize: 1,
    input: { mode: 'whole', fit: 'letterbox' },
  };
}

/** A job context that stops `stepsInto` steps into epoch `epoch` (shouldStop is asked once a step). */
function stoppingCtx(epoch: number, stepsInto: number): JobContext<TrainEvent> & { epochs: number } {
  let asks = 0;
  const ctx = {
    id: 1,
    epochs: 0,
    shouldStop: () => ctx.epochs === epoch - 1 && ++asks > stepsInto,
    emit: (e: TrainEvent) => {
      if (e.kind === 'epoch') ctx.epochs++;
    },
  };
  return ctx;
}

async function weights(vae: Vae): Promise<number[]> {
  const all: number[] = [];
  for (const v of vae.variables) all.push(...(await v.data()));
  return all;
}

describe('trainJob', () => {
  const store = new ImageStore();
  beforeAll(() => store.loadDemo({ size: 16, normal: 6, test: 1, seed: 2 }));

  it('Stop mid-epoch keeps the weights of the last finished epoch', async () => {
    const once = await trainJob(store, args(1), stoppingCtx(99, 0));
    const reference = await weights(once.model?.vae as Vae);
    once.model?.vae.dispose();
    const before = tf.memory().numTensors;
    const stopped = await trainJob(store, args(3), stoppingCtx(2, 1));
    expect(stopped.info.model).toMatchObject({ epochsDone: 1, stopped: true });
    const kept = await weights(stopped.model?.vae as Vae);
    expect(kept).toEqual(reference);
    stopped.model?.vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sends the grid after the first epoch and at the end, made with the weights kept', async () => {
    const events: TrainEvent[] = [];
    const r = await trainJob(store, args(3), { id: 3, shouldStop: () => false, emit: (e) => void events.push(e) });
    const grids = events.filter((e) => e.kind === 'grid');
    const epochs = events.filter((e) => e.kind === 'epoch');
    expect(epochs).toHaveLength(3);
    // The first epoch's, at most one a second after it, and the kept weights' at the end.
    expect(grids[0]).toMatchObject({ epoch: 1 });
    expect(grids.length).toBeGreaterThanOrEqual(2);
    expect(grids.length).toBeLessThanOrEqual(4);
    const last = grids[grids.length - 1]!;
    expect(last.epoch).toBe(r.info.bestEpoch);
    expect(last.grid).toHaveLength(1);
    const pair = last.grid[0]!;
    const [again] = await reconstructImages(r.model?.vae as Vae, [pair.input]);
    expect(Array.from(pair.output.data)).toEqual(Array.from(again!.data));
    // The calibration after the epochs says how far it is, up to all of its held-out images.
    const calibrating = events.findIndex((e) => e.kind === 'phase' && e.phase === 'calibrating');
    const counts = events.slice(calibrating).filter((e) => e.kind === 'calibration');
    const lastEpoch = events.map((e) => e.kind).lastIndexOf('epoch');
    expect(calibrating).toBeGreaterThan(lastEpoch);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.at(-1)).toMatchObject({ done: counts.at(-1)?.total });
    r.model?.vae.dispose();
  });

  it('a stop before the first epoch ends keeps no model', async () => {
    const r = await trainJob(store, args(2), stoppingCtx(1, 1));
    expect(r.model).toBeNull();
    expect(r.info.model).toBeNull();
  });

  it('forces flips and turns on with fewer than five images only', () => {
    expect(trainConfigFor(TRAIN, 4).augment).toMatchObject({ flips: true, rot90: true });
    expect(trainConfigFor(TRAIN, 5).augment).toEqual(TRAIN.augment);
  });
});
