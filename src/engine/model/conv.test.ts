/**
 * The convolution gradients on their own (layer.test.ts tests them inside the layers): both
 * filter-gradient routes and both input-gradient routes against tfjs's, the flipped filter,
 * and the per-backend strategy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { onCpu, useCpu } from '../testing/cpu';
import { useWasm } from '../testing/wasm';
import {
  convStrategyFor,
  filterGradConv,
  filterGradient,
  filterGradIm2col,
  flippedFilter,
  inputGradient,
  setConvStrategyOverride,
  subPixelFilters,
  type ConvStrategy,
} from './conv';

beforeAll(() => useCpu());

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0]!;
  d.dispose();
  return v;
}

function suite(backend: string): void {
  it('both filter gradients equal the native one where windows skip the last row (stride 2, kernel 3, 7x7)', async () => {
    const xp = tf.randomNormal([2, 7, 7, 2], 0, 1, 'float32', 9) as Tensor4D;
    const dy = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 10) as Tensor4D;
    await tf.setBackend('cpu');
    const f0 = tf.zeros([3, 3, 2, 4]) as Tensor4D;
    const ref = tf.grad((f) => tf.sum(tf.mul(tf.conv2d(xp, f as Tensor4D, 2, 'valid'), dy)))(f0);
    const refValues = tf.tensor(await ref.data(), ref.shape);
    tf.dispose([ref, f0]);
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    for (const g of [filterGradIm2col(xp, dy, 3, 3, 2), filterGradConv(xp, dy, 3, 3, 2)]) {
      expect(await maxAbsDiff(g, refValues)).toBeLessThan(1e-4);
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xp, dy, refValues]);
  });

  it('flips the filter in both spatial axes and swaps its channels, as reverse and transpose do', async () => {
    await tf.setBackend(backend);
    const f = tf.randomNormal([3, 2, 4, 5], 0, 1, 'float32', 7) as Tensor4D;
    const ours = flippedFilter(f);
    const ref = tf.transpose(tf.reverse(f, [0, 1]), [0, 1, 3, 2]);
    expect(await maxAbsDiff(ours, ref)).toBe(0);
    tf.dispose([f, ours, ref]);
  });

  // 3 and 17 input channels: both column phases in one conv below 16, one conv per phase above.
  for (const cin of [3, 17]) {
    it(`both input gradients equal conv2dTranspose (kernel 4, stride 2, pad 1, ${cin} channels)`, async () => {
      await tf.setBackend(backend);
      const f = tf.randomNormal([4, 4, cin, 5], 0, 1, 'float32', 11) as Tensor4D;
      const dy = tf.randomNormal([2, 4, 3, 5], 0, 1, 'float32', 12) as Tensor4D;
      const xShape = [2, 8, 6, cin];
      const strategies: ConvStrategy[] = ['conv', 'im2col'];
      const [viaConv, viaTranspose] = strategies.map((s) => inputGradient(s, dy, f, xShape, 2, 1));
      expect(viaConv!.shape).toEqual(xShape);
      const filters = subPixelFilters(f);
      expect(filters).toHaveLength(cin < 16 ? 2 : 4);
      tf.dispose(filters);
      expect(await maxAbsDiff(viaConv!, viaTranspose!)).toBeLessThan(1e-4);
      tf.dispose([f, dy, viaConv!, viaTranspose!]);
    });
  }
}

describe('conv gradients on cpu', () => suite('cpu'));

describe('conv gradients on wasm', () => {
  beforeAll(async () => {
    expect(await useWasm()).toBe(true);
  });
  afterAll(() => useCpu());
  suite('wasm');
});

describe('the filter gradient of a convolution to a few channels on wasm', () => {
  beforeAll(async () => {
    expect(await useWasm()).toBe(true);
  });
  afterAll(() => useCpu());

  // The last layer (16 channels to 3, 3 x 3, pad 1), 'valid', and a 4 x 4 kernel padded by 2, on 8 and 24 input channels.
  it.each([
    [[2, 9, 7, 16], 3, 3, 1],
    [[1, 6, 8, 8], 1, 3, 0],
    [[2, 7, 5, 24], 4, 4, 2],
  ] as const)('x %j to %i channels, kernel %i, pad %i: equals tfjs\'s', async (xShape, cout, k, pad) => {
    const x = tf.randomNormal([...xShape], 0, 1, 'float32', 21) as Tensor4D;
    const [n, h, w, cin] = xShape;
    const dy = tf.randomNormal([n, h + 2 * pad - k + 1, w + 2 * pad - k + 1, cout], 0, 1, 'float32', 22) as Tensor4D;
    const ref = await onCpu([x, dy], (xc, dyc) =>
      tf.grad((f) => tf.sum(tf.mul(tf.conv2d(xc as Tensor4D, f as Tensor4D, 1, [[0, 0], [pad, pad], [pad, pad], [0, 0]]), dyc!)))(tf.zeros([k, k, cin, cout])),
    );
    const ours = filterGradient('conv', x, dy, k, k, 1, pad);
    expect(await maxAbsDiff(ours, ref)).toBeLessThan(1e-3);
    tf.dispose([x, dy, ref, ours]);
  });
});

describe('convStrategyFor', () => {
  afterAll(() => setConvStrategyOverride(null));

  it('uses the conv-only gradients on wasm and im2col elsewhere, unless overridden', () => {
    expect(convStrategyFor('wasm')).toBe('conv');
    expect(['cpu', 'webgl', 'webgpu'].map(convStrategyFor)).toEqual(['im2col', 'im2col', 'im2col']);
    setConvStrategyOverride('conv');
    expect(convStrategyFor('cpu')).toBe('conv');
    setConvStrategyOverride(null);
    expect(convStrategyFor('cpu')).toBe('im2col');
  });
});
