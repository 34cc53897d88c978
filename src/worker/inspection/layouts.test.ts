import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateHighRes } from '../../engine/data/procedural/highres';
import { tileCount } from '../../engine/tiles/grid';
import { LIVE_TILES } from '../../engine/tiles/score';
import { useCpu } from '../../engine/testing/cpu';
import type { FloatImage, InputLayout } from '../../engine/types';
import { ImageStore } from '../dataset/images';
import { patchesPerImage, trainingInputs } from '../dataset/inputs';
import type { TrainArgs } from '../protocol';
import { transferables, type JobContext } from '../runtime/context';
import { trainJob } from '../training/train';
import { Evaluator } from './evaluate';
import { inspectJob, inspectLive, scoreJob } from './inspect';

function context<E>(): JobContext<E> & { events: E[] } {
  const events: E[] = [];
  return { id: 1, events, shouldStop: () => false, emit: (e) => events.push(e) };
}

function args(input: InputLayout): TrainArgs {
  return {
    vae: { size: 16, latent: 4, width: 4 },
    train: { epochs: 1, batchSize: 8, learningRate: 1e-3, beta: 0.01, validationSplit: 0.25, augment: { flips: false, rot90: false, maxShift: 0 }, seed: 3 },
    projection: { alpha: 1, lambda: 0.1, iterations: 2, variant: 'weighted' },
    gridSize: 1,
    input,
  };
}

/** A 2:1 image: grey with a bright square near its right edge. */
function wide(bright: boolean): FloatImage {
  const width = 64;
  const height = 32;
  const data = new Float32Array(width * height * 3).fill(0.4);
  if (bright) for (let y = 12; y < 20; y++) for (let x = 52; x < 60; x++) data.fill(1, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, channels: 3, data };
}

beforeAll(async () => {
  await useCpu();
});

describe('whole images keep their aspect ratio', () => {
  it('letterboxes a 2:1 image and hands back maps and images of the image itself (the bands left out)', async () => {
    const store = new ImageStore();
    for (let i = 0; i < 6; i++) store.putFloat('normal', { id: `n${i}`, name: `n${i}` }, wide(false));
    store.putFloat('test', { id: 't', name: 't' }, wide(true));
    const trained = await trainJob(store, args({ mode: 'whole', fit: 'letterbox' }), context() as never);
    if (!trained.model) throw new Error('no model');
    expect(trained.info.model?.input).toEqual({ mode: 'whole', fit: 'letterbox' });
    const ctx = context<{ kind: string; map?: Float32Array }>();
    const r = await inspectJob(store, trained.model, { testId: 't', settings: args({ mode: 'whole', fit: 'letterbox' }).projection, every: 1 }, ctx as never);
    // 64 x 32 fitted in 16 x 16 is 16 x 8.
    expect([r.projection.width, r.projection.height, r.x0.width, r.x0.height, r.projected.height]).toEqual([16, 8, 16, 8, 8]);
    expect(ctx.events.filter((e) => e.kind === 'frame' && e.map).every((e) => e.map?.length === 16 * 8)).toBe(true);
    trained.model.vae.dispose();
  });
});

describe('patch mode', () => {
  const set = generateHighRes({ family: 'tiles', width: 48, height: 40, normal: 5, test: 1, seed: 5, featureSize: 8 });
  const patches: InputLayout = { mode: 'patches', scale: 1, stride: 8 };

  it('trains on crops, calibrates on whole held-out images tiled, and inspects at the image resolution; nothing leaks', async () => {
    const store = new ImageStore();
    set.normal.forEach((img, i) => store.putFloat('normal', { id: `n${i}`, name: `n${i}` }, img));
    const t = set.test[0]!;
    store.putFloat('test', { id: 't', name: 't', mask: t.mask }, t.image);
    const crops = await trainingInputs(store, store.list('normal'), { layout: patches, size: 16, channels: 3 }, 1);
    expect(crops).toHaveLength(5 * patchesPerImage(5));
    expect(crops.every((c) => c.width === 16 && c.height === 16)).toBe(true);

    const before = tf.memory().numTensors;
    const trained = await trainJob(store, args(patches), context() as never);
    if (!trained.model || !trained.info.model) throw new Error('no model');
    expect(trained.info.model.input).toEqual(patches);
    expect(trained.info.model.calibration.at).not.toBeNull();
    // 5 images, a quarter held out: one whole image, tiled, fixes each threshold.
    expect(trained.info.model.calibration.projection?.imageThreshold).toBeGreaterThan(0);
    expect(trained.info.model.calibration.residual?.samples).toBe(1);

    const ctx = context<{ kind: string; map?: Float32Array; image?: FloatImage }>();
    const r = await inspectJob(store, trained.model, { testId: 't', settings: args(patches).projection, every: 1 }, ctx as never);
    expect([r.projection.width, r.projection.height, r.residual.width, r.projected.width, r.projected.height]).toEqual([48, 40, 48, 48, 40]);
    const frames = ctx.events.filter((e) => e.kind === 'frame' && e.map);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.map?.length === 48 * 40 && f.image?.width === 48)).toBe(true);

    // The result goes to the page with its buffers transferred: inspecting again still works.
    structuredClone(r, { transfer: transferables(r) });
    const again = await inspectJob(store, trained.model, { testId: 't', settings: args(patches).projection, every: 1 }, context() as never);
    expect(again.projection.score).toBeCloseTo(r.projection.score, 5);

    const scored = context<{ testId: string; projection: number }>();
    expect(await scoreJob(store, trained.model, ['t'], args(patches).projection, scored as never)).toEqual({ stopped: false });
    expect(Math.abs((scored.events[0]?.projection ?? 0) - r.projection.score)).toBeLessThan(1e-4);

    // The batch evaluation: the defect's mask at the map's resolution, a good image beside it.
    store.putFloat('test', { id: 'g', name: 'g' }, set.normal[0]!);
    const ev = new Evaluator();
    const e = await ev.run(store, trained.model, { testIds: ['t', 'g'], settings: args(patches).projection }, context() as never);
    expect(e.labelled).toBe(2);
    expect(ev.last?.masks[0]?.width).toBe(48);
    expect(e.metrics.projection?.pixelAuroc).toBeGreaterThan(0);

    // A square camera frame goes through at the model's scale, tiled: 40 x 40 at scale 1.
    const frame = { width: 40, height: 40, data: new Uint8ClampedArray(40 * 40 * 4).fill(128) };
    const live = await inspectLive(trained.model, { frame, settings: args(patches).projection }, context() as never);
    expect([live.projection.width, live.projection.height, live.x0.width]).toEqual([40, 40, 40]);
    // Over LIVE_TILES tiles (280 x 280 at 16 px, stride 8: 34 x 34): chunk by chunk, tile progress, no frames.
    const big: FloatImage = { width: 280, height: 280, channels: 3, data: new Float32Array(280 * 280 * 3).fill(0.5) };
    store.putFloat('test', { id: 'big', name: 'big' }, big);
    const chunked = context<{ kind: string; live?: boolean; done?: number; total?: number }>();
    const rb = await inspectJob(store, trained.model, { testId: 'big', settings: { ...args(patches).projection, iterations: 1 }, every: 1 }, chunked as never);
    const tiles = chunked.events.filter((e) => e.kind === 'tiles');
    expect(tileCount(280, 280, 16, 8)).toBeGreaterThan(LIVE_TILES);
    expect(tiles.length).toBeGreaterThan(1);
    expect(tiles.every((e) => e.live === false && e.total === tileCount(280, 280, 16, 8))).toBe(true);
    expect(tiles.at(-1)?.done).toBe(tileCount(280, 280, 16, 8));
    expect(chunked.events.some((e) => e.kind === 'frame')).toBe(false);
    expect([rb.projection.width, rb.projection.height]).toEqual([280, 280]);

    // The scaled images are cached within the bound and dropped with their images.
    expect(store.cachedBytes).toBeGreaterThan(0);
    store.remove('test', 'all');
    store.remove('normal', 'all');
    expect(store.cachedBytes).toBe(0);

    trained.model.vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('patchesPerImage: about 8 crops an image, at least 256 and at most 2048 in all', () => {
    expect(patchesPerImage(1)).toBe(256);
    expect(patchesPerImage(100)).toBe(8);
    expect(patchesPerImage(2000)).toBe(1);
    expect(patchesPerImage(32) * 32).toBe(256);
  });
});
