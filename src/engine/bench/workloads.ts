/**
 * The workloads the benchmark times, built on the engine's own code paths: the VAE of the
 * app's default config, projection.ts's projectionStep, the loss and Adam as train.ts uses
 * them. Each `run(calls)` issues `calls` calls and resolves once the backend has finished
 * them (one small read-back at the end, so GPU backends are timed, not just queued).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { mulberry32 } from '../data/random';
import type { Vae } from '../model/autoencoder';
import { vaeLoss } from '../model/loss';
import { createVae, latentDim } from '../model/vae';
import { projectionStep } from '../project/project';
import { Adam } from '../train/adam';
import { takeAdamStep } from '../train/step';
import type { ProjectionSettings, VaeConfig } from '../types';

/** The app's default projection settings (store/defaults.ts); they do not change the cost. */
export const BENCH_PROJECTION: ProjectionSettings = { alpha: 1, lambda: 0.1, iterations: 40, variant: 'weighted' };
const BETA = 0.01;
const LEARNING_RATE = 1e-3;

/** Images in the batched projection step (the batch the app projects at 64 px). */
export const PROJECTION_BATCH = 16;

export type RunCalls = (calls: number) => Promise<void>;

export interface Workloads {
  vae: Vae;
  /** Seeded images in [0, 1], NHWC, `batch` of them. */
  batchData: Float32Array;
  forward: RunCalls;
  forwardBackward: RunCalls;
  projection: RunCalls;
  /** One projection step of PROJECTION_BATCH images together. */
  projectionBatch: RunCalls;
  trainForwardBackward: RunCalls;
  trainStep: RunCalls;
  /** The body of one training step, for tf.profile. */
  oneTrainStep(): Scalar | null;
  /** One projection step at batch 1 (carrying the single projection on), for tf.profile. */
  oneProjectionStep(): Tensor;
  dispose(): void;
}

/** Runs `op` `calls` times, keeping only the last output, then waits for its (summed) value. */
async function repeatAndSync(calls: number, op: () => Tensor | null): Promise<void> {
  let out: Tensor | null = null;
  for (let i = 0; i < calls; i++) {
    out?.dispose();
    out = op();
  }
  if (out === null) return;
  const done = tf.tidy(() => tf.sum(out as Tensor));
  try {
    await done.data();
  } finally {
    done.dispose();
    out.dispose();
  }
}

function randomImages(n: number, config: VaeConfig, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const data = new Float32Array(n * config.size * config.size * config.channels);
  for (let i = 0; i < data.length; i++) data[i] = rng();
  return data;
}

function reconEnergy(vae: Vae): (x: Tensor4D) => Scalar {
  return (x) => tf.sum(tf.square(tf.sub(x, vae.reconstruct(x))));
}

/** Projection steps from x0 that carry x_t on from call to call; dispose() frees x0 and x_t. */
function projectionSteps(vae: Vae, x0: Tensor4D): { run: RunCalls; one(): Tensor; dispose(): void } {
  let xt: Tensor4D = tf.clone(x0);
  const one = () => {
    const { energy, next } = projectionStep(vae, xt, x0, BENCH_PROJECTION);
    xt.dispose();
    xt = next;
    return energy;
  };
  return {
    run: (calls) => repeatAndSync(calls, one),
    one,
    dispose: () => tf.dispose([x0, xt]),
  };
}

/** ms a training step over `steps` steps of `w` (the rounds that alternate with another step, src/cli/bench-torch-paired.ts). */
export async function msPerTrainStep(w: Pick<Workloads, 'trainStep'>, steps: number): Promise<number> {
  const t0 = performance.now();
  await w.trainStep(steps);
  return (performance.now() - t0) / steps;
}

/** Builds the model, the data and the optimizer; dispose() frees every tensor they hold. */
export function createWorkloads(config: VaeConfig, batch: number, seed = 1): Workloads {
  const vae = createVae(config, seed);
  const { size, channels } = config;
  const batchData = randomImages(batch, config, seed + 1);
  const x1 = tf.tensor4d(randomImages(1, config, seed + 2), [1, size, size, channels]);
  const single = projectionSteps(vae, tf.clone(x1));
  const batched = projectionSteps(vae, tf.tensor4d(randomImages(PROJECTION_BATCH, config, seed + 4), [PROJECTION_BATCH, size, size, channels]));
  const optimizer = new Adam(LEARNING_RATE);
  const rng = mulberry32(seed + 3);
  const gradOfEnergy = tf.valueAndGrad(reconEnergy(vae));

  const lossOf = (x: Tensor4D) => {
    const noise = tf.randomNormal([batch, latentDim(config)], 0, 1, 'float32', Math.floor(rng() * 2 ** 31)) as Tensor2D;
    return vaeLoss(vae, x, BETA, noise).loss;
  };
  const withBatch = <T>(f: (x: Tensor4D) => T): T => {
    const x = tf.tensor4d(batchData, [batch, size, size, channels]);
    try {
      return f(x);
    } finally {
      x.dispose();
    }
  };
  const oneTrainStep = () => withBatch((x) => takeAdamStep(vae, optimizer, () => lossOf(x)));

  return {
    vae,
    batchData,
    forward: (calls) => repeatAndSync(calls, () => vae.reconstruct(x1)),
    forwardBackward: (calls) =>
      repeatAndSync(calls, () =>
        tf.tidy(() => {
          const { value, grad } = gradOfEnergy(x1);
          return tf.add(tf.sum(grad), value);
        }),
      ),
    projection: single.run,
    projectionBatch: batched.run,
    trainForwardBackward: (calls) =>
      repeatAndSync(calls, () =>
        withBatch((x) => {
          const { value, grads } = tf.variableGrads(() => lossOf(x), vae.variables);
          tf.dispose(Object.values(grads));
          return value;
        }),
      ),
    trainStep: (calls) => repeatAndSync(calls, oneTrainStep),
    oneTrainStep,
    oneProjectionStep: single.one,
    dispose: () => {
      x1.dispose();
      single.dispose();
      batched.dispose();
      optimizer.dispose();
      vae.dispose();
    },
  };
}
