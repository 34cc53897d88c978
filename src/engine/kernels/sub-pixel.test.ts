/**
 * The encoder's input gradient with its four phases written in place by the SIMD convolution,
 * against tfjs's transposed convolution (cpu backend): blocks of four pixels and the pixels
 * left over, several channel blocks, a batch; and where it steps aside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { subPixelFilters } from '../model/conv';
import { onCpu } from '../testing/cpu';
import { useWasm } from '../testing/wasm';
import { relativeError } from './self-check';
import { setSimdKernelsEnabled } from './simd-module';
import { subPixelGradientSimd } from './sub-pixel';

let wasmOk = false;
beforeAll(async () => {
  wasmOk = await useWasm();
});
afterAll(() => setSimdKernelsEnabled(true));

describe('subPixelGradientSimd', () => {
  // [N, Ho, Wo] of dy, Cin (the kernel's outputs), Cout (dy's channels).
  it.each([
    [[2, 5, 9], 16, 6],
    [[1, 8, 16], 16, 32],
    [[3, 4, 4], 24, 3],
  ] as const)('equals conv2dTranspose for dy %j, %i channels out of %i', async ([n, ho, wo], cin, cout) => {
    expect(wasmOk).toBe(true);
    const f = tf.randomNormal([4, 4, cin, cout], 0, 1, 'float32', cin) as Tensor4D;
    const dy = tf.randomNormal([n, ho, wo, cout], 0, 1, 'float32', wo) as Tensor4D;
    const xShape: [number, number, number, number] = [n, 2 * ho, 2 * wo, cin];
    const quarters = subPixelFilters(f);
    expect(quarters).toHaveLength(4);
    const before = tf.memory().numTensors;
    const ours = subPixelGradientSimd(dy, quarters);
    expect(ours?.shape).toEqual(xShape);
    expect(tf.memory().numTensors).toBe(before + 1);
    const ref = await onCpu([dy, f], (d, g) => tf.conv2dTranspose(d as Tensor4D, g as Tensor4D, xShape, 2, 1));
    expect(await relativeError(ours!, ref)).toBeLessThan(1e-5);
    tf.dispose([f, dy, ours!, ref, ...quarters]);
  });

  it('steps aside off its channel block and without the SIMD kernels', () => {
    const dy = tf.ones([1, 4, 4, 8]) as Tensor4D;
    const odd = [0, 1, 2, 3].map(() => tf.ones([2, 2, 8, 12]) as Tensor4D);
    expect(subPixelGradientSimd(dy, odd)).toBeNull();
    const even = [0, 1, 2, 3].map(() => tf.ones([2, 2, 8, 16]) as Tensor4D);
    setSimdKernelsEnabled(false);
    expect(subPixelGradientSimd(dy, even)).toBeNull();
    setSimdKernelsEnabled(true);
    tf.dispose([dy, ...odd, ...even]);
  });
});
