import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/cpu';
import { benchTiles } from './tiles';

beforeAll(async () => {
  await useCpu();
});

describe('benchTiles', () => {
  it('times a tiled step per tile count, one by one where asked, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const rows = await benchTiles({ config: { size: 16, channels: 1, latent: 4, width: 4 }, backend: 'cpu', tileCounts: [1, 3], oneByOneUpTo: 1, repeats: 1 });
    expect(rows.map((r) => r.tiles)).toEqual([1, 3]);
    expect(rows.every((r) => r.stepMs > 0 && r.perTileMs > 0)).toBe(true);
    expect(rows[0]?.oneByOneMs).toBeGreaterThan(0);
    expect(rows[1]?.oneByOneMs).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });
});
