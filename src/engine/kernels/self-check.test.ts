import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { simdSelfCheck } from './self-check';

afterAll(() => tf.setBackend('wasm'));

describe('the SIMD kernels\' self-check', () => {
  it('finds them linked and agreeing with tfjs on wasm, without helpers in Node, and frees what it made', async () => {
    expect(await useWasm()).toBe(true);
    const before = tf.memory().numTensors;
    const check = await simdSelfCheck();
    expect(check).toMatchObject({ linked: true, helpers: 0 });
    expect(check.maxRelativeError).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds them absent off wasm', async () => {
    await tf.setBackend('cpu');
    expect(await simdSelfCheck()).toEqual({ linked: false, helpers: 0, maxRelativeError: 0 });
  });
});
