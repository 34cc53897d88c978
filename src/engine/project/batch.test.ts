/** Projecting many images in one batch gives each image the run it would have alone. */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import type { Vae } from '../model/autoencoder';
import { createVae } from '../model/vae';
import { useCpu } from '../testing/cpu';
import { smoothNormal, withSquare } from '../testing/synthetic';
import type { FloatImage, ProjectionSettings } from '../types';
import { projectBatch } from './project';
import { runProjection, runProjectionBatch } from './run';

const S: ProjectionSettings = { alpha: 2, lambda: 0.1, iterations: 6, variant: 'weighted' };

let vae: Vae;
let images: FloatImage[];

beforeAll(async () => {
  await useCpu();
  vae = createVae({ size: 16, channels: 3, latent: 8, width: 4 }, 7);
  images = [
    withSquare(smoothNormal(16, 3, 41, 0.05), 4, 4, 4, 1).image,
    smoothNormal(16, 3, 42, 0.05),
    withSquare(smoothNormal(16, 3, 43, 0.05), 9, 2, 5, 0).image,
  ];
});
afterAll(() => vae.dispose());

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  a.forEach((v, i) => (m = Math.max(m, Math.abs(v - (b[i] ?? Number.NaN)))));
  return m;
}

describe('projectBatch', () => {
  it.each(['weighted', 'plain'] as const)('moves every image as a single projection would (%s)', async (variant) => {
    const s = { ...S, variant, alpha: variant === 'plain' ? 0.05 : S.alpha };
    const before = tf.memory().numTensors;
    const batch = await runProjectionBatch(vae, images, s);
    expect(tf.memory().numTensors).toBe(before);
    expect(batch).toHaveLength(images.length);
    for (const [i, img] of images.entries()) {
      const alone = await runProjection(vae, img, s, { every: s.iterations });
      const b = batch[i];
      expect(b?.stopped).toBe(false);
      expect(maxDiff(b?.xT.data ?? new Float32Array(), alone.xT.data)).toBeLessThan(1e-4);
      expect(b?.energies).toHaveLength(2);
      b?.energies.forEach((e, k) => expect(Math.abs(e - (alone.energies[k] ?? 0))).toBeLessThan(1e-3 * Math.abs(e) + 1e-4));
    }
    // The images are not all moved alike: each is its own run.
    expect(maxDiff(batch[0]?.xT.data ?? new Float32Array(), batch[1]?.xT.data ?? new Float32Array())).toBeGreaterThan(0.01);
  });

  it('reports every image on the frames it yields and stops the whole batch on shouldStop', async () => {
    let steps = 0;
    const frames = [];
    for await (const f of projectBatch(vae, images, S, { every: 2, shouldStop: () => ++steps > 3 })) frames.push(f);
    expect(frames.map((f) => f.iteration)).toEqual([0, 2, 3]);
    for (const f of frames) expect(f.energies).toHaveLength(3);
    expect(frames[0]?.images).toBeUndefined();
    expect(frames.at(-1)?.images).toHaveLength(3);
    const runs = await runProjectionBatch(vae, images, S, { shouldStop: () => true });
    expect(runs.every((r) => r.stopped)).toBe(true);
  });

  it('stops on a cancel that comes as a message, as a worker gets it, within a step', async () => {
    // The flag is set by a message handler, which runs only when the event loop gets a turn:
    // the cpu backend's read-backs resolve as microtasks, so without the projection's own
    // yields the whole run would end before the handler ran.
    const cancel = () => {
      const flag = { stop: false };
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        flag.stop = true;
        port1.close();
      };
      port2.postMessage('cancel');
      return () => flag.stop;
    };
    const long = { ...S, iterations: 50 };
    const single = await runProjection(vae, images[0]!, long, { every: long.iterations, shouldStop: cancel() });
    expect(single.stopped).toBe(true);
    const batch = await runProjectionBatch(vae, images, long, { shouldStop: cancel() });
    expect(batch.every((r) => r.stopped)).toBe(true);
    // Stopped after the first step: the frames are iteration 0 and the last x_t reached.
    const frames = [];
    for await (const f of projectBatch(vae, images, long, { every: long.iterations, shouldStop: cancel() })) frames.push(f.iteration);
    expect(frames).toEqual([0, 1]);
  });

  it('refuses an empty batch and an image that does not fit the model, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    for (const bad of [[], [images[0]!, smoothNormal(8, 3, 1)], [smoothNormal(16, 1, 2)]]) {
      const err: unknown = await runProjectionBatch(vae, bad, S).then(() => null, (e: unknown) => e);
      expect(isEngineError(err, 'invalid-argument')).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
