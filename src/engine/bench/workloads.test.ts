import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/cpu';
import type { VaeConfig } from '../types';
import { createWorkloads } from './workloads';

describe('bench workloads', () => {
  beforeAll(() => useCpu());

  // The spatial bottleneck's code is latent numbers per cell of the smallest map, not `latent`.
  const configs: VaeConfig[] = [
    { size: 16, channels: 3, latent: 4, width: 4 },
    { size: 16, channels: 3, latent: 2, width: 4, depth: 1, bottleneck: 'spatial' },
  ];
  for (const config of configs) {
    it(`train and project the ${config.bottleneck ?? 'dense'} model, and free every tensor`, async () => {
      const before = tf.memory().numTensors;
      const w = createWorkloads(config, 2);
      const loss = w.oneTrainStep();
      expect(loss).not.toBeNull();
      expect(Number.isFinite((await loss!.data())[0])).toBe(true);
      loss!.dispose();
      const energy = w.oneProjectionStep();
      expect(Number.isFinite((await energy.data())[0])).toBe(true);
      energy.dispose();
      await w.trainStep(1);
      await w.projectionBatch(1);
      w.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
