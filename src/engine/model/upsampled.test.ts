/**
 * A decoder level computed on its input before the upsampling (phases, a 4 x 4 stride-2 input
 * gradient, a folded filter gradient) against the layer as written, upsampled then convolved,
 * differentiated by tfjs on the cpu backend: the value and all three gradients, in training and
 * in a projection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { relativeError } from '../kernels/self-check';
import { useWasm } from '../testing/wasm';
import { KeptWeights } from './kept-weights';
import { LEAK, projectionConvLayer, trainingConvLayer } from './layer';
import { upsampledConvApplies } from './upsampled';
import { upsample2x } from './vae';

let wasmOk = false;
beforeAll(async () => {
  wasmOk = await useWasm();
});
afterAll(() => tf.setBackend('wasm'));

const SPEC = { stride: 1, pad: 1, activation: 'leakyrelu' as const, upsampled: true };

/** Value and gradients (x, filter, bias) of sum(layer(x) * r), by the plain route on the cpu backend. */
async function reference(x: Tensor4D, f: Tensor4D, b: Tensor1D, r: Tensor4D): Promise<tf.Tensor[]> {
  const values = await Promise.all([x, f, b, r].map((t) => t.data()));
  const back = tf.getBackend();
  await tf.setBackend('cpu');
  const [xc, fc, bc, rc] = [x, f, b, r].map((t, i) => tf.tensor(values[i]!, t.shape));
  const layer = (xi: Tensor, fi: Tensor, bi: Tensor) => tf.leakyRelu(tf.add(tf.conv2d(upsample2x(xi as Tensor4D), fi as Tensor4D, 1, 'same'), bi), LEAK);
  const y = layer(xc!, fc!, bc!);
  const grads = tf.grads((xi: Tensor, fi: Tensor, bi: Tensor) => tf.sum(tf.mul(layer(xi, fi, bi), rc!)))([xc!, fc!, bc!]);
  const out = await Promise.all([y, ...grads].map(async (t) => ({ data: await t.data(), shape: t.shape })));
  tf.dispose([xc!, fc!, bc!, rc!, y, ...grads]);
  await tf.setBackend(back);
  return out.map((t) => tf.tensor(t.data, t.shape));
}

describe('the upsampled decoder layer on wasm', () => {
  it.each([
    [[2, 5, 6, 8], 16],
    [[1, 8, 8, 16], 8],
  ] as const)('equals upsampling then convolving: value and every gradient, x %j, %i channels out', async (xShape, cout) => {
    expect(wasmOk).toBe(true);
    const cin = xShape[3];
    const x = tf.randomNormal([...xShape], 0, 1, 'float32', 1) as Tensor4D;
    const f = tf.randomNormal([3, 3, cin, cout], 0, 0.3, 'float32', 2) as Tensor4D;
    const b = tf.randomNormal([cout], 0, 0.1, 'float32', 3) as Tensor1D;
    const r = tf.randomNormal([xShape[0], 2 * xShape[1], 2 * xShape[2], cout], 0, 1, 'float32', 4) as Tensor4D;
    expect(upsampledConvApplies(x, f, true)).toBe(true);
    const [refY, refDx, refDf, refDb] = await reference(x, f, b, r);
    const y = trainingConvLayer(x, f, b, SPEC);
    const grads = tf.grads((xi: Tensor, fi: Tensor, bi: Tensor) => tf.sum(tf.mul(trainingConvLayer(xi as Tensor4D, fi as Tensor4D, bi as Tensor1D, SPEC), r)))([x, f, b]);
    expect(y.shape).toEqual(refY!.shape);
    expect(await relativeError(y, refY!)).toBeLessThan(1e-5);
    for (const [ours, ref] of [[grads[0], refDx], [grads[1], refDf], [grads[2], refDb]] as const) {
      expect(ours!.shape).toEqual(ref!.shape);
      expect(await relativeError(ours!, ref!)).toBeLessThan(1e-5);
    }
    // A projection's layer: the same value and input gradient, its derived filters kept.
    const kept = new KeptWeights();
    const layer = projectionConvLayer(kept);
    const { value, grad } = tf.valueAndGrad((xi: Tensor) => tf.sum(tf.mul(layer(xi as Tensor4D, f, b, SPEC), r)))(x);
    expect(await relativeError(grad, refDx!)).toBeLessThan(1e-5);
    expect(Math.abs((await value.data())[0]! - (await tf.sum(tf.mul(refY!, r)).data())[0]!)).toBeLessThan(1e-3);
    expect(kept.size).toBe(5);
    kept.dispose();
    tf.dispose([x, f, b, r, y, value, grad, refY!, refDx!, refDf!, refDb!, ...grads]);
  });

  it('applies only on wasm with 3 x 3 filters and channels in blocks of 8', () => {
    const x = tf.zeros([1, 4, 4, 8]) as Tensor4D;
    const fits = tf.zeros([3, 3, 8, 16]) as Tensor4D;
    const odd = tf.zeros([3, 3, 8, 3]) as Tensor4D;
    expect(upsampledConvApplies(x, fits, true)).toBe(true);
    expect(upsampledConvApplies(x, fits, false)).toBe(false);
    expect(upsampledConvApplies(x, odd, true)).toBe(false);
    const narrow = tf.zeros([1, 4, 4, 4]) as Tensor4D;
    const wide = tf.zeros([3, 3, 4, 16]) as Tensor4D;
    expect(upsampledConvApplies(narrow, wide, true)).toBe(false);
    tf.dispose([x, fits, odd, narrow, wide]);
  });
});
