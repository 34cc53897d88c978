/**
 * An Adam step with the dense layers' gradients left to the fused kernel against tfjs's own
 * route (every weight's gradient from the tape, then the plain update): the same weights after
 * a few steps, the dense gradients never computed on their own, nothing left behind, and the
 * deferral over when a step fails.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { createVae } from '../model/vae';
import { vaeLoss } from '../model/loss';
import type { Vae } from '../model/autoencoder';
import { Adam } from './adam';
import { takeAdamStep } from './step';

afterAll(() => tf.setBackend('wasm'));

const CONFIG = { size: 16, channels: 3 as const, latent: 8, width: 4 };
const BATCH = 5;

function batch(seed: number): Tensor4D {
  return tf.randomUniform([BATCH, CONFIG.size, CONFIG.size, CONFIG.channels], 0, 1, 'float32', seed) as Tensor4D;
}

const lossOf = (vae: Vae, x: Tensor4D, seed: number) => () => vaeLoss(vae, x, 0.5, tf.randomNormal([BATCH, CONFIG.latent], 0, 1, 'float32', seed) as Tensor2D).loss;

/** The weights after three steps, by `step`; the kernels each step ran (the last step's). */
async function threeSteps(step: (vae: Vae, optimizer: Adam, loss: () => tf.Scalar) => void): Promise<{ weights: Float32Array[]; kernels: string[] }> {
  const vae = createVae(CONFIG, 4);
  const optimizer = new Adam(0.01);
  let kernels: string[] = [];
  for (let s = 0; s < 3; s++) {
    const x = batch(s);
    const profile = await tf.profile(() => step(vae, optimizer, lossOf(vae, x, 10 + s)));
    kernels = profile.kernels.map((k) => k.name);
    x.dispose();
  }
  const weights = await Promise.all(vae.variables.map(async (v) => (await v.data()) as Float32Array));
  optimizer.dispose();
  vae.dispose();
  return { weights, kernels };
}

const tfjsRoute = (vae: Vae, optimizer: Adam, loss: () => tf.Scalar) => tf.dispose(optimizer.minimize(loss, true, vae.variables) ?? []);
const fusedRoute = (vae: Vae, optimizer: Adam, loss: () => tf.Scalar) => tf.dispose(takeAdamStep(vae, optimizer, loss));

describe('an Adam step on a model', () => {
  it('moves every weight as tfjs\'s route does, the dense gradients made inside Adam\'s pass (wasm)', async () => {
    expect(await useWasm()).toBe(true);
    const theirs = await threeSteps(tfjsRoute);
    const ours = await threeSteps(fusedRoute);
    expect(theirs.kernels).toContain('DenseFilterGradientSimd');
    expect(ours.kernels).not.toContain('DenseFilterGradientSimd');
    expect(ours.kernels.filter((k) => k === 'DenseAdamSimd')).toHaveLength(3);
    expect(ours.weights.length).toBe(theirs.weights.length);
    ours.weights.forEach((w, i) => {
      const ref = theirs.weights[i]!;
      for (let j = 0; j < ref.length; j++) expect(w[j]!).toBeCloseTo(ref[j]!, 5);
    });
  });

  it('is tfjs\'s route where the kernel does not run (cpu)', async () => {
    await tf.setBackend('cpu');
    const theirs = await threeSteps(tfjsRoute);
    const ours = await threeSteps(fusedRoute);
    expect(ours.kernels).not.toContain('DenseAdamSimd');
    ours.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(theirs.weights[i]!)));
  });

  it('leaves no tensor behind', async () => {
    expect(await useWasm()).toBe(true);
    const vae = createVae(CONFIG, 4);
    const optimizer = new Adam(0.01);
    const x = batch(1);
    // The first step makes Adam's moments.
    fusedRoute(vae, optimizer, lossOf(vae, x, 1));
    const before = tf.memory().numTensors;
    fusedRoute(vae, optimizer, lossOf(vae, x, 2));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    optimizer.dispose();
    vae.dispose();
  });

  it('frees the gradients and the kept x and dy, and ends the deferral, when the update throws', async () => {
    expect(await useWasm()).toBe(true);
    const vae = createVae(CONFIG, 4);
    const x = batch(1);
    let kept = 0;
    const failing = new (class extends Adam {
      override step(...[, dense]: Parameters<Adam['step']>): void {
        kept = dense.size;
        throw new Error('no update');
      }
    })(0.01);
    const before = tf.memory().numTensors;
    expect(() => tf.dispose(takeAdamStep(vae, failing, lossOf(vae, x, 3)))).toThrow('no update');
    expect(kept).toBe(3);
    expect(vae.variables.some((v) => vae.denseGradients.wants(v))).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    vae.dispose();
  });
});
