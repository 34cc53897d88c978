/**
 * Calls for the end-to-end tests, loaded by dynamic import only in builds made for the tests
 * (the production bundle has none of this): memory figures, the last maps, a forced device loss,
 * and many projections back to back to show that long use leaks nothing. They wrap the
 * inspection handler to count projections and to keep copies of its maps (its result's arrays
 * are transferred to the page); they touch nothing a person's session keeps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { simdSelfCheck } from '../../engine/kernels/self-check';
import type { AnomalyMethod, AnomalyResult } from '../../engine/types';
import { groundTruth, type Collected, type Evaluator } from '../inspection/evaluate';
import { inspectJob } from '../inspection/inspect';
import type { DomainHandlers, Handler, WorkerDeps } from '../runtime/handler';
import type { DebugArgs, DebugResult, DebugStats, EvaluationData, TestingCalls } from '../protocol';

const counts = { running: 0, maxRunning: 0, started: 0, last: null as DebugStats['lastProjection'] };
let lastMaps: Record<AnomalyMethod, AnomalyResult> | null = null;

function stats(): DebugStats {
  const mem = tf.memory();
  return { numTensors: mem.numTensors, numBytes: mem.numBytes, projectionsStarted: counts.started, maxConcurrentProjections: counts.maxRunning, lastProjection: counts.last };
}

/** The inspection handler, counting projections and keeping copies of the last maps. */
function counted(inspect: Handler<'inspect'>): Handler<'inspect'> {
  return async (args, ctx) => {
    counts.running++;
    counts.started++;
    counts.maxRunning = Math.max(counts.maxRunning, counts.running);
    try {
      const r = await inspect(args, ctx);
      counts.last = { iterations: args.settings.iterations, stopped: r.stopped };
      lastMaps = { residual: { ...r.residual, map: r.residual.map.slice() }, projection: { ...r.projection, map: r.projection.map.slice() } };
      return r;
    } finally {
      counts.running--;
    }
  };
}

export function evaluationData(c: Collected | null): EvaluationData | null {
  const masks = c && groundTruth(c);
  if (!c || !masks) return null;
  const first = c.results.residual[0];
  const arrays = (m: AnomalyMethod) => c.results[m].map((r) => Array.from(r.map));
  const scoreArrays = (m: AnomalyMethod) => c.results[m].map((r) => Array.from(r.scoreMap ?? r.map));
  const scores = (m: AnomalyMethod) => c.results[m].map((r) => r.score);
  return {
    testIds: c.testIds,
    width: first?.width ?? 0,
    height: first?.height ?? 0,
    maps: { residual: arrays('residual'), projection: arrays('projection') },
    scoreMaps: { residual: scoreArrays('residual'), projection: scoreArrays('projection') },
    scores: { residual: scores('residual'), projection: scores('projection') },
    masks: masks.map((m) => Array.from(m.data)),
    labels: masks.map((m) => (m.data.some((v) => v > 0) ? 1 : 0)),
  };
}

function loseDevice(): boolean {
  const device = (tf.backend() as unknown as { device?: { destroy?(): void } }).device;
  device?.destroy?.();
  return typeof device?.destroy === 'function';
}

/** `n` inspections of one image through the page's own handler, without sending frames. */
async function projectMany(inspect: Handler<'inspect'>, args: Extract<DebugArgs, { kind: 'projectMany' }>): Promise<DebugResult> {
  const ctx = { id: -1, shouldStop: () => false, emit: () => undefined };
  const inspectArgs = { testId: args.testId, settings: args.settings, every: Math.max(1, args.settings.iterations) };
  // One run first, so caches that fill once (kernels, programs) are not counted as growth.
  await inspect(inspectArgs, ctx);
  const before = stats();
  for (let i = 0; i < args.n; i++) await inspect(inspectArgs, ctx);
  return { stats: stats(), before, done: true };
}

/** The test calls, and an inspection handler that counts; ml.worker.ts puts both in its table. */
export function testingHandlers(deps: WorkerDeps, evaluator: Evaluator): DomainHandlers<keyof TestingCalls | 'inspect'> {
  // Counted inside the GPU queue: a job waiting there is not running.
  const wrapped = deps.onGpu(counted((args, ctx) => inspectJob(deps.store, deps.slot.require(), args, ctx)));
  deps.slot.onSwap.push(() => (lastMaps = null));
  const debug = async (args: DebugArgs): Promise<DebugResult> => {
    if (args.kind === 'loseDevice') return { stats: stats(), done: loseDevice() };
    if (args.kind === 'simdCheck') return { stats: stats(), simd: await simdSelfCheck() };
    if (args.kind === 'projectMany') return projectMany(wrapped, args);
    return { stats: stats() };
  };
  return {
    inspect: wrapped,
    numTensors: async () => tf.memory().numTensors,
    keptTensors: async () => deps.slot.vae?.keptTensors() ?? 0,
    lastMap: async ({ method }) => {
      const r = lastMaps?.[method];
      return r ? { width: r.width, height: r.height, data: Array.from(r.map) } : null;
    },
    mask: async ({ testId }) => {
      const mask = deps.store.get('test', testId).mask;
      return mask ? { ...mask, data: mask.data.slice() } : null;
    },
    evaluationData: async () => evaluationData(evaluator.last),
    debug,
  };
}
