/**
 * Training on tfjs-backend-wasm in Node: proves that every op of the model,
 * the loss, Adam and the input gradient of reconstruct has a wasm kernel
 * (wasm has no Conv2DBackpropFilter; the layers' own gradients supply it).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { createVae } from '../model/vae';
import type { FloatImage } from '../types';
import { useWasm } from '../testing/wasm';
import { trainVae } from './train';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

function noise(n: number, seed: number): FloatImage[] {
  return Array.from({ length: n }, (_, k) => {
    const data = new Float32Array(16 * 16 * 3);
    for (let i = 0; i < data.length; i++) data[i] = 0.5 + 0.4 * Math.sin(i * 0.37 + k + seed);
    return { width: 16, height: 16, channels: 3, data };
  });
}

describe('wasm backend', () => {
  it('trains the VAE and takes the input gradient of reconstruct, leaking nothing', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    const vae = createVae({ size: 16, channels: 3, latent: 4, width: 4 }, 1);
    const w0 = Array.from(await vae.variables[0]!.data());
    const result = await trainVae(vae, noise(4, 1), {
      epochs: 2, batchSize: 2, learningRate: 0.01, beta: 0.01, validationSplit: 0.25,
      augment: { flips: true, rot90: true, maxShift: 1 }, seed: 1,
    });
    expect(result.history.every((h) => Number.isFinite(h.loss) && Number.isFinite(h.valLoss ?? NaN))).toBe(true);
    expect(Array.from(await vae.variables[0]!.data())).not.toEqual(w0);
    const x = tf.tensor4d(noise(1, 9)[0]!.data, [1, 16, 16, 3]);
    const g = tf.grad((t) => tf.sum(tf.square(tf.sub(t, vae.reconstruct(t as Tensor4D)))))(x);
    expect((await g.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, g]);
    // What stays is the model's: its weights and the projection's transposed dense weights.
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
