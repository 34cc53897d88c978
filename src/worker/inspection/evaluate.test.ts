import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVae } from '../../engine/model/vae';
import { pixelAupro } from '../../engine/metrics/pro';
import { imageAuroc, pixelAuroc } from '../../engine/metrics/roc';
import { useCpu } from '../../engine/testing/cpu';
import type { AnomalyResult } from '../../engine/types';
import { resizeMask } from '../../engine/data/image';
import { Evaluator } from './evaluate';
import { ImageStore } from '../dataset/images';
import { loadedModel } from '../../engine/testing/fixtures';
import { evaluationData } from '../testing/handlers';
import type { BatchRow } from '../protocol';

beforeAll(() => useCpu());

describe('resizeMask', () => {
  it('resizes by nearest neighbour and keeps the mask binary', () => {
    const m = { width: 4, height: 2, data: Uint8Array.from([0, 0, 255, 255, 0, 0, 1, 1]) };
    expect(Array.from(resizeMask(m, 2, 1).data)).toEqual([0, 1]);
    expect(resizeMask(m, 4, 2)).toBe(m);
  });
});

describe('Evaluator', () => {
  it('scores every image, labels them from the masks and computes the metrics on the same maps', async () => {
    const store = new ImageStore();
    store.loadDemo({ size: 16, normal: 2, test: 6, seed: 3 });
    const vae = createVae({ size: 16, channels: 3, latent: 4, width: 4 }, 1);
    const before = tf.memory().numTensors;
    const rows: BatchRow[] = [];
    const testIds = store.list('test').map((t) => t.id);
    const ev = new Evaluator();
    const r = await ev.run(store, loadedModel(vae), { testIds, settings: { alpha: 1, lambda: 0.1, iterations: 2, variant: 'weighted' } }, { id: 1, shouldStop: () => false, emit: (e) => rows.push(e) });
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
    expect(rows.map((x) => x.testId)).toEqual(testIds);
    expect(r.labelled).toBe(6);
    const data = evaluationData(ev.last);
    if (!data) throw new Error('no evaluation data');
    const kinds = store.list('test').map((t) => t.kind);
    expect(data.labels).toEqual(kinds.map((k) => (k === 'good' ? 0 : 1)));
    expect(rows.map((x) => x.label)).toEqual(data.labels);
    for (const method of ['residual', 'projection'] as const) {
      const results: AnomalyResult[] = data.maps[method].map((m, i) => ({ method, score: data.scores[method][i]!, map: Float32Array.from(m), width: 16, height: 16 }));
      const masks = data.masks.map((m) => ({ width: 16, height: 16, data: Uint8Array.from(m) }));
      expect(r.metrics[method]?.pixelAuroc).toBe(pixelAuroc(results, masks));
      expect(r.metrics[method]?.aupro).toBe(pixelAupro(results, masks));
      expect(r.metrics[method]?.aupro).toBeGreaterThanOrEqual(0);
      expect(r.metrics[method]?.imageAuroc).toBe(imageAuroc(results, data.labels));
      expect(r.metrics[method]?.pixelRoc.fpr.at(-1)).toBe(1);
    }
  });

  it('gives scores but no metrics when no image has ground truth, and stops when cancelled', async () => {
    const store = new ImageStore();
    store.loadDemo({ size: 16, normal: 1, test: 3, seed: 4 });
    for (const t of store.list('test')) delete t.mask;
    const vae = createVae({ size: 16, channels: 3, latent: 4, width: 4 }, 1);
    const args = { testIds: store.list('test').map((t) => t.id), settings: { alpha: 1, lambda: 0.1, iterations: 1, variant: 'weighted' as const } };
    const rows: BatchRow[] = [];
    const ev = new Evaluator();
    const r = await ev.run(store, loadedModel(vae), args, { id: 1, shouldStop: () => false, emit: (e) => rows.push(e) });
    expect(r).toEqual({ stopped: false, labelled: 0, metrics: {} });
    expect(rows.every((x) => x.label === null)).toBe(true);
    const stopped = await ev.run(store, loadedModel(vae), args, { id: 2, shouldStop: () => true, emit: () => undefined });
    expect(stopped.stopped).toBe(true);
    vae.dispose();
  });
});
