import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/cpu';
import { coarseNoise, noiseGrid } from './corrupt';

beforeAll(() => useCpu());

describe('coarseNoise', () => {
  it('is one value per 8 x 8 pixels, at least 2 x 2', () => {
    expect([8, 16, 64, 128].map(noiseGrid)).toEqual([2, 2, 8, 16]);
  });

  it('gives x back at std 0, stays in [0, 1], is seeded and smooth across pixels', async () => {
    const before = tf.memory().numTensors;
    const x = tf.fill([2, 32, 32, 3], 0.5) as Tensor4D;
    expect(coarseNoise(x, 0, 1)).toBe(x);
    const a = coarseNoise(x, 0.3, 7);
    const b = coarseNoise(x, 0.3, 7);
    const c = coarseNoise(x, 0.3, 8);
    const [va, vb, vc] = await Promise.all([a.data(), b.data(), c.data()]);
    expect(Array.from(va)).toEqual(Array.from(vb));
    expect(Array.from(va)).not.toEqual(Array.from(vc));
    expect(va.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Coarse: neighbouring pixels differ far less than the noise's spread does.
    let step = 0;
    let spread = 0;
    for (let i = 0; i < 32 * 32 * 3 - 3; i++) {
      step += Math.abs((va[i + 3] as number) - (va[i] as number));
      spread += Math.abs((va[i] as number) - 0.5);
    }
    expect(step).toBeLessThan(spread / 3);
    tf.dispose([x, a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
