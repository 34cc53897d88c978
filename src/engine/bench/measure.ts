/**
 * The benchmark proper: for one backend (already active) and each size, the medians of the
 * workloads, peak memory, and where a training step spends its time. Every figure has a time
 * budget: a slow backend (a software WebGPU adapter) gets null and a reason, never a hang.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { errorMessage } from '../errors';
import type { VaeConfig } from '../types';
import { profileKernels, warmUpTrainStep } from './profile';
import { runLoops } from './loops';
import { blockSize, median, round, sample } from './stats';
import type { BenchMeasurement, BenchOptions } from './types';
import { createWorkloads, PROJECTION_BATCH, type RunCalls, type Workloads } from './workloads';

type Timed = 'forwardMs' | 'forwardBackwardMs' | 'projectionStepMs' | 'projectionBatchStepMs' | 'trainStepMs' | 'trainForwardBackwardMs';

interface Job {
  key: Timed;
  pick: (w: Workloads) => RunCalls;
  /** Of the size budget, for the timed part. */
  share: number;
  /** Only with BenchOptions.extras. */
  extra?: boolean;
  /** Replaces the plain warm-up call; returns its wall time. */
  warm?: (w: Workloads, m: BenchMeasurement) => Promise<number>;
}

/** Cheapest first, so a tight budget still yields the yardsticks. */
const ORDER: Job[] = [
  { key: 'forwardMs', pick: (w) => w.forward, share: 0.1 },
  { key: 'forwardBackwardMs', pick: (w) => w.forwardBackward, share: 0.15 },
  { key: 'projectionStepMs', pick: (w) => w.projection, share: 0.15 },
  { key: 'projectionBatchStepMs', pick: (w) => w.projectionBatch, share: 0.1 },
  // The training warm-up runs under tf.profile: the peak memory costs no extra step.
  { key: 'trainStepMs', pick: (w) => w.trainStep, share: 0.3, warm: warmUpTrainStep },
  { key: 'trainForwardBackwardMs', pick: (w) => w.trainForwardBackward, share: 0.1, extra: true },
];

/** A measurement with every figure null, filled in as the jobs run (also the shape of a skipped row). */
export function emptyMeasurement(
  backend: string,
  size: number,
  o: Pick<BenchOptions, 'latent' | 'width' | 'channels' | 'batch'>,
): BenchMeasurement {
  return {
    backend,
    size,
    trainStepMs: null,
    projectionStepMs: null,
    projectionBatchStepMs: null,
    batchProjectionSpeedup: null,
    forwardMs: null,
    forwardBackwardMs: null,
    projectionOverForwardBackward: null,
    trainForwardBackwardMs: null,
    projectionLoopStepMs: null,
    trainLoopStepMs: null,
    firstTrainStepMs: null,
    peakTensors: null,
    peakBytes: null,
    tensorsLeaked: null,
    samples: {},
    topKernels: null,
    topProjectionKernels: null,
    trainStepConvFlops: null,
    projectionStepConvFlops: null,
    simdPeakGflops: null,
    simdThreads: null,
    skipped: [],
    config: { latent: o.latent, width: o.width, channels: o.channels, batch: o.batch },
  };
}

/** Milliseconds left before `deadline` on performance.now()'s clock. */
const left = (deadline: number) => deadline - performance.now();

/** Times one workload into `m`; returns the least time it costs (warm-up plus one call). */
async function timeJob(job: Job, w: Workloads, m: BenchMeasurement, o: BenchOptions, deadline: number): Promise<number> {
  const { key } = job;
  const warmMs = job.warm ? await job.warm(w, m) : 0;
  const budgetMs = Math.min(left(deadline), o.sizeBudgetMs * job.share);
  const s = await sample(job.pick(w), { warmup: job.warm ? 0 : 1, repeats: o.repeats, budgetMs, blockMs: 150, maxBlock: 8 });
  const firstMs = warmMs + s.warmupMs;
  m[key] = round(median(s.perCallMs));
  m.samples[key] = s.perCallMs.length;
  if (key === 'trainStepMs') m.firstTrainStepMs = round(firstMs);
  o.log?.(`  ${m.backend} ${m.size}px ${key} ${m[key]} ms (${s.perCallMs.length} x ${s.block}, warm-up ${Math.round(firstMs)} ms)`);
  return firstMs + Math.min(...s.perCallMs);
}

/** Times every workload; returns the least time the size costs (each warm-up plus one call). */
async function timeAll(w: Workloads, m: BenchMeasurement, o: BenchOptions, deadline: number): Promise<number> {
  let floorMs = 0;
  for (const job of ORDER) {
    if (job.extra && !o.extras) continue;
    if (left(deadline) <= 0) {
      m.skipped.push(`${job.key}: size budget of ${Math.round(o.sizeBudgetMs / 1000)} s spent`);
      continue;
    }
    floorMs += await timeJob(job, w, m, o, deadline);
  }
  return floorMs;
}

/**
 * projection step / forward+backward from interleaved blocks of the two, so that a shared,
 * busy CPU slows both sides of each pair alike; the median of the pair ratios.
 */
async function pairedRatio(w: Workloads, m: BenchMeasurement, o: BenchOptions, deadline: number): Promise<void> {
  const fb = m.forwardBackwardMs;
  const proj = m.projectionStepMs;
  if (fb === null || proj === null) return;
  const calls = blockSize(fb, 150, 8);
  const budgetEnd = performance.now() + Math.min(left(deadline), o.sizeBudgetMs * 0.15);
  const ratios: number[] = [];
  while (ratios.length < o.repeats && performance.now() + calls * (fb + proj) <= budgetEnd) {
    const t0 = performance.now();
    await w.forwardBackward(calls);
    const t1 = performance.now();
    await w.projection(calls);
    ratios.push((performance.now() - t1) / (t1 - t0));
  }
  m.samples.ratioPairs = ratios.length;
  // Without room for pairs, the ratio of the two medians is the best there is.
  m.projectionOverForwardBackward = round(ratios.length > 0 ? median(ratios) : proj / fb);
}

/** Measures one size on the active backend; errors become a reason, not a crash. */
export async function benchSize(size: number, o: BenchOptions): Promise<BenchMeasurement> {
  return (await measureSize(size, o)).m;
}

/** The bench's model at `size`: the options' latent, width and channels, its depth from `bottom`, its bottleneck. */
export function benchModelConfig(size: number, o: Pick<BenchOptions, 'channels' | 'latent' | 'width' | 'bottom' | 'bottleneck'>): VaeConfig {
  const depth = o.bottom === undefined ? {} : { depth: Math.max(1, Math.round(Math.log2(size / o.bottom))) };
  return { size, channels: o.channels, latent: o.latent, width: o.width, ...depth, ...(o.bottleneck ? { bottleneck: o.bottleneck } : {}) };
}

async function measureSize(size: number, o: BenchOptions): Promise<{ m: BenchMeasurement; floorMs: number }> {
  const m = emptyMeasurement(tf.getBackend(), size, o);
  const deadline = performance.now() + o.sizeBudgetMs;
  const before = tf.memory().numTensors;
  const config = benchModelConfig(size, o);
  let w: Workloads | null = null;
  let floorMs = Number.POSITIVE_INFINITY;
  try {
    w = createWorkloads(config, o.batch);
    floorMs = await timeAll(w, m, o, deadline);
    await pairedRatio(w, m, o, deadline);
    if (m.projectionStepMs !== null && m.projectionBatchStepMs !== null) {
      m.batchProjectionSpeedup = round((PROJECTION_BATCH * m.projectionStepMs) / m.projectionBatchStepMs);
    }
    if (o.extras) {
      await profileKernels(w, m, deadline);
      await runLoops(w, m, deadline);
    }
  } catch (e) {
    m.skipped.push(`error: ${errorMessage(e)}`);
  } finally {
    w?.dispose();
  }
  m.tensorsLeaked = tf.memory().numTensors - before;
  return { m, floorMs };
}

/**
 * The least the next size costs: 4x the pixels, so about 4x every warm-up and call (on a
 * GPU backend the shaders compile again for the new shapes).
 */
const GROWTH = 4;

/** Every size on the active backend, skipping the larger ones once they would not fit. */
export async function benchBackend(o: BenchOptions): Promise<BenchMeasurement[]> {
  const out: BenchMeasurement[] = [];
  const deadline = performance.now() + o.backendBudgetMs;
  let skipReason: string | null = null;
  for (const size of [...o.sizes].sort((a, b) => a - b)) {
    if (skipReason === null && left(deadline) <= 0) skipReason = `backend budget of ${Math.round(o.backendBudgetMs / 1000)} s spent`;
    if (skipReason !== null) {
      const m = emptyMeasurement(tf.getBackend(), size, o);
      m.skipped.push(`size skipped: ${skipReason}`);
      out.push(m);
      o.onResult?.(m);
      continue;
    }
    o.log?.(`${tf.getBackend()} ${size}px`);
    const { m, floorMs } = await measureSize(size, { ...o, sizeBudgetMs: Math.min(o.sizeBudgetMs, left(deadline)) });
    out.push(m);
    o.onResult?.(m);
    if (m.trainStepMs === null || GROWTH * floorMs > Math.min(left(deadline), o.sizeBudgetMs)) {
      const est = Number.isFinite(floorMs) ? `${Math.round((GROWTH * floorMs) / 1000)} s` : 'unknown';
      skipReason = `one call of each workload at ${size}px took ${Math.round(floorMs)} ms with warm-ups (train step ${m.trainStepMs ?? 'failed'} ms); the next size needs about ${est}`;
    }
  }
  return out;
}
