/**
 * The SIMD convolution against tfjs's (cpu backend): wide rows (blocks of four pixels and the
 * edge pixels one at a time), narrow rows (the padded copy), strides, asymmetric padding, the
 * bias, LeakyReLU and the sigmoid; four output channels and fewer (the narrow kernel: two
 * pixels at a time, an odd row's last alone); and where it steps aside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { onCpu } from '../testing/cpu';
import { useWasm } from '../testing/wasm';
import { conv2dSimd, type Padding } from './conv2d';
import { relativeError } from './self-check';
import { setSimdKernelsEnabled } from './simd-module';

let wasmOk = false;
beforeAll(async () => {
  wasmOk = await useWasm();
});
afterAll(() => setSimdKernelsEnabled(true));

const ALPHA = 0.2;

/** tfjs's act(conv(x, f) + b) on the cpu backend, brought back to the current backend. */
type Act = 'linear' | 'leakyrelu' | 'sigmoid';

function reference(x: Tensor4D, f: Tensor4D, b: Tensor1D | null, stride: number, padding: Padding, act: Act): Promise<tf.Tensor> {
  const [top, bottom, left, right] = padding;
  return onCpu(b ? [x, f, b] : [x, f], (xc, fc, bc) => {
    const conv = tf.conv2d(xc as Tensor4D, fc as Tensor4D, stride, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const biased = bc === undefined ? conv : tf.add(conv, bc);
    return act === 'leakyrelu' ? tf.leakyRelu(biased, ALPHA) : act === 'sigmoid' ? tf.sigmoid(biased) : biased;
  });
}

const CASES: { name: string; x: [number, number, number, number]; k: number; cout: number; stride: number; padding: Padding; bias: boolean; act: Act }[] = [
  { name: '3 x 3, pad 1, rows of 34 (blocks, a remainder and both edges)', x: [2, 5, 34, 8], k: 3, cout: 16, stride: 1, padding: [1, 1, 1, 1], bias: true, act: 'leakyrelu' },
  { name: '3 x 3, pad 1, rows of 6 (padded copy, one block and two single pixels)', x: [3, 6, 6, 5], k: 3, cout: 8, stride: 1, padding: [1, 1, 1, 1], bias: true, act: 'leakyrelu' },
  { name: '4 x 4, stride 2, pad 1, output rows of 33', x: [1, 6, 66, 3], k: 4, cout: 8, stride: 2, padding: [1, 1, 1, 1], bias: true, act: 'linear' },
  { name: '4 x 4, stride 2, pad 1, narrow rows', x: [2, 8, 8, 4], k: 4, cout: 16, stride: 2, padding: [1, 1, 1, 1], bias: false, act: 'leakyrelu' },
  { name: '2 x 2, padding before rows and after columns (the sub-pixel phases)', x: [2, 5, 40, 16], k: 2, cout: 8, stride: 1, padding: [1, 0, 0, 1], bias: false, act: 'linear' },
  { name: '3 x 3, no padding, stride 2 skipping the last row and column', x: [1, 8, 72, 4], k: 3, cout: 8, stride: 2, padding: [0, 0, 0, 0], bias: true, act: 'leakyrelu' },
  { name: '16 channels, sigmoid after', x: [2, 4, 12, 8], k: 3, cout: 16, stride: 1, padding: [1, 1, 1, 1], bias: true, act: 'sigmoid' },
  { name: 'narrow: 3 colours out, sigmoid, rows of 9 (an odd last pixel)', x: [2, 6, 9, 16], k: 3, cout: 3, stride: 1, padding: [1, 1, 1, 1], bias: true, act: 'sigmoid' },
  { name: 'narrow: 4 channels out, no bias, rows of 40', x: [3, 5, 40, 32], k: 3, cout: 4, stride: 1, padding: [1, 1, 1, 1], bias: false, act: 'linear' },
  { name: 'narrow: 1 channel, 4 x 4, stride 2, padding before rows and after columns', x: [1, 9, 11, 4], k: 4, cout: 1, stride: 2, padding: [1, 0, 0, 1], bias: true, act: 'linear' },
  { name: 'narrow: 2 channels, LeakyReLU, 3 input channels under a 4-wide window', x: [2, 7, 7, 3], k: 4, cout: 2, stride: 1, padding: [0, 0, 0, 0], bias: true, act: 'leakyrelu' },
];

describe('SIMD convolution on wasm', () => {
  for (const c of CASES) {
    it(`equals tfjs's: ${c.name}`, async () => {
      if (!wasmOk) throw new Error('wasm backend did not start');
      const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as Tensor4D;
      const f = tf.randomNormal([c.k, c.k, c.x[3], c.cout], 0, 1, 'float32', 2) as Tensor4D;
      const b = c.bias ? (tf.randomNormal([c.cout], 0, 1, 'float32', 3) as Tensor1D) : null;
      const ref = await reference(x, f, b, c.stride, c.padding, c.act);
      const before = tf.memory().numTensors;
      const y = conv2dSimd(x, f, b, c.stride, c.padding, c.act, ALPHA);
      if (y === null) throw new Error('the kernel stepped aside');
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(y.shape).toEqual(ref.shape);
      expect(await relativeError(y, ref)).toBeLessThan(1e-5);
      tf.dispose([x, f, ref, y, ...(b ? [b] : [])]);
    });
  }

  it('steps aside for output channels off its blocks, other activations, when turned off, and off wasm', async () => {
    const x = tf.zeros([1, 4, 4, 4]) as Tensor4D;
    const f8 = tf.zeros([3, 3, 4, 8]) as Tensor4D;
    const f12 = tf.zeros([3, 3, 4, 12]) as Tensor4D;
    const pad: Padding = [1, 1, 1, 1];
    expect(conv2dSimd(x, f12, null, 1, pad, 'linear')).toBeNull();
    expect(conv2dSimd(x, f8, null, 1, pad, 'tanh')).toBeNull();
    // Narrow, but a window row of 3 x 3 values is not whole vectors.
    const x3 = tf.zeros([1, 4, 4, 3]) as Tensor4D;
    const f3 = tf.zeros([3, 3, 3, 3]) as Tensor4D;
    expect(conv2dSimd(x3, f3, null, 1, pad, 'linear')).toBeNull();
    tf.dispose([x3, f3]);
    setSimdKernelsEnabled(false);
    expect(conv2dSimd(x, f8, null, 1, pad, 'linear')).toBeNull();
    setSimdKernelsEnabled(true);
    const y = conv2dSimd(x, f8, null, 1, pad, 'linear');
    expect(y?.shape).toEqual([1, 4, 4, 8]);
    await tf.setBackend('cpu');
    expect(conv2dSimd(x, f8, null, 1, pad, 'linear')).toBeNull();
    await tf.setBackend('wasm');
    tf.dispose([x, f8, f12, ...(y ? [y] : [])]);
  });
});
