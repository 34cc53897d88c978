/**
 * The engine's real loops, timed end to end: project() as the app runs it (a frame every 2
 * steps, the final energy) and trainVae() for one epoch (batch assembly and augmentation,
 * losses read every few steps, a yield to the event loop per step). Their gap to the bare
 * step figures is the loop overhead.
 */
import '../tf-setup';
import { project } from '../project/project';
import { trainVae } from '../train/train';
import type { FloatImage, TrainConfig } from '../types';
import { round } from './stats';
import type { BenchMeasurement } from './types';
import { BENCH_PROJECTION, type Workloads } from './workloads';

/** The app's frame interval (store/defaults.ts FRAME_EVERY). */
const FRAME_EVERY = 2;
const PROJECTION_STEPS = 8;
const MAX_TRAIN_STEPS = 10;
const MIN_TRAIN_STEPS = 3;

function imagesOf(data: Float32Array, n: number, size: number, channels: 1 | 3): FloatImage[] {
  const len = size * size * channels;
  return Array.from({ length: n }, (_, i) => ({ width: size, height: size, channels, data: data.slice(i * len, (i + 1) * len) }));
}

async function projectionLoop(w: Workloads): Promise<number> {
  const { size, channels } = w.vae.config;
  const [x0] = imagesOf(w.batchData, 1, size, channels);
  const start = performance.now();
  const settings = { ...BENCH_PROJECTION, iterations: PROJECTION_STEPS };
  let frames = 0;
  for await (const frame of project(w.vae, x0 as FloatImage, settings, { every: FRAME_EVERY })) frames += frame.image ? 1 : 0;
  if (frames === 0) throw new Error('the projection loop yielded no image');
  return (performance.now() - start) / PROJECTION_STEPS;
}

async function trainLoop(w: Workloads, steps: number): Promise<number> {
  const { size, channels } = w.vae.config;
  const batch = w.batchData.length / (size * size * channels);
  const one = imagesOf(w.batchData, batch, size, channels);
  const images = Array.from({ length: steps }, () => one).flat();
  const cfg: TrainConfig = {
    epochs: 1,
    batchSize: batch,
    learningRate: 1e-3,
    beta: 0.01,
    validationSplit: 0,
    augment: { flips: true, rot90: true, maxShift: 0 },
    seed: 1,
  };
  const start = performance.now();
  await trainVae(w.vae, images, cfg);
  return (performance.now() - start) / steps;
}

/** Fills projectionLoopStepMs and trainLoopStepMs of `m` where the size budget allows. */
export async function runLoops(w: Workloads, m: BenchMeasurement, deadline: number): Promise<void> {
  const left = () => deadline - performance.now();
  if (m.projectionStepMs !== null && left() > 2 * PROJECTION_STEPS * m.projectionStepMs) {
    m.projectionLoopStepMs = round(await projectionLoop(w));
  } else {
    m.skipped.push('projection loop: no budget left');
  }
  const steps = m.trainStepMs === null ? 0 : Math.min(MAX_TRAIN_STEPS, Math.floor(left() / (1.5 * m.trainStepMs)));
  if (m.trainStepMs !== null && steps >= MIN_TRAIN_STEPS) {
    m.trainLoopStepMs = round(await trainLoop(w, steps));
    m.samples.trainLoopSteps = steps;
  } else {
    m.skipped.push('training loop: no budget left');
  }
}
