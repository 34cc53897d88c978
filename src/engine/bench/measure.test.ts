import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/cpu';
import { benchBackend, benchSize } from './measure';
import type { BenchOptions } from './types';

beforeAll(() => useCpu());

const TINY: BenchOptions = {
  sizes: [16],
  repeats: 1,
  // Generous caps: with one repeat the run ends long before them; they only bound a stuck run.
  sizeBudgetMs: 120_000,
  backendBudgetMs: 120_000,
  extras: true,
  latent: 4,
  width: 4,
  channels: 1,
  batch: 2,
};

describe('benchSize', () => {
  it('fills every figure of a size and frees every tensor it made', async () => {
    const before = tf.memory().numTensors;
    const m = await benchSize(16, TINY);
    expect(tf.memory().numTensors).toBe(before);
    expect(m.tensorsLeaked).toBe(0);
    expect(m.skipped).toEqual([]);
    for (const v of [m.trainStepMs, m.projectionStepMs, m.projectionBatchStepMs, m.batchProjectionSpeedup, m.forwardMs, m.forwardBackwardMs, m.trainForwardBackwardMs, m.projectionLoopStepMs, m.trainLoopStepMs]) {
      expect(v).toBeGreaterThan(0);
    }
    // The peak of a training step holds at least the model's weights and Adam's two slots per weight.
    expect(m.peakTensors).toBeGreaterThan(3 * 2 * 4);
    expect(m.peakBytes).toBeGreaterThan(0);
    expect(m.topKernels?.length).toBeGreaterThan(0);
    // The projection step's own profile: the layers' fused forward kernel is in it.
    expect(m.topProjectionKernels?.map((k) => k.name)).toContain('FusedConv2D');
    expect(m.config).toEqual({ latent: 4, width: 4, channels: 1, batch: 2 });
  });
});

describe('benchBackend', () => {
  it('skips every size with a reason once the backend budget is spent', async () => {
    const rows = await benchBackend({ ...TINY, sizes: [32, 16], backendBudgetMs: 0 });
    expect(rows.map((r) => r.size)).toEqual([16, 32]);
    for (const r of rows) {
      expect(r.trainStepMs).toBeNull();
      expect(r.skipped[0]).toMatch(/budget/);
    }
  });
});
