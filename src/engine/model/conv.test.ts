import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { useCpu } from '../testing/cpu';
import { conv2dFilterGrad, conv2dNative, filterGradIm2col, padSpatial } from './conv';

beforeAll(() => useCpu());

function relError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
    scale = Math.max(scale, Math.abs(b[i] ?? NaN));
  }
  return diff / scale;
}

async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

const cases = [
  { name: 'kernel 3, stride 1, pad 1', k: 3, stride: 1, pad: 1 },
  { name: 'kernel 4, stride 2, pad 1', k: 4, stride: 2, pad: 1 },
];

describe('conv2dFilterGrad', () => {
  for (const c of cases) {
    it(`forward equals tf.conv2d 'same' (${c.name})`, async () => {
      const x = tf.randomNormal([2, 8, 6, 3], 0, 1, 'float32', 1) as Tensor4D;
      const f = tf.randomNormal([c.k, c.k, 3, 5], 0, 1, 'float32', 2) as Tensor4D;
      const ours = conv2dFilterGrad(x, f, c.stride, c.pad);
      const ref = tf.conv2d(x, f, c.stride, 'same');
      expect(ours.shape).toEqual(ref.shape);
      expect(relError(await values(ours), await values(ref))).toBeLessThan(1e-6);
      tf.dispose([x, f, ours, ref]);
    });

    it(`dx and dFilter equal tfjs's native gradients (${c.name})`, async () => {
      const before = tf.memory().numTensors;
      const x = tf.randomNormal([2, 8, 6, 3], 0, 1, 'float32', 3) as Tensor4D;
      const f = tf.randomNormal([c.k, c.k, 3, 5], 0, 1, 'float32', 4) as Tensor4D;
      const probe = tf.tidy(() => tf.conv2d(padSpatial(x, c.pad), f, c.stride, 'valid'));
      const outShape = probe.shape;
      probe.dispose();
      // A random weighting makes dy non-uniform, so every filter tap is tested.
      const w = tf.randomNormal(outShape, 0, 1, 'float32', 5);
      const ours = tf.grads((a, b) => tf.sum(tf.mul(conv2dFilterGrad(a as Tensor4D, b as Tensor4D, c.stride, c.pad), w)))([x, f]);
      const native = tf.grads((a, b) =>
        tf.sum(tf.mul(tf.conv2d(padSpatial(a as Tensor4D, c.pad), b as Tensor4D, c.stride, 'valid'), w)),
      )([x, f]);
      expect(ours[0]?.shape).toEqual(x.shape);
      expect(ours[1]?.shape).toEqual(f.shape);
      expect(relError(await values(ours[0]!), await values(native[0]!))).toBeLessThan(1e-5);
      expect(relError(await values(ours[1]!), await values(native[1]!))).toBeLessThan(1e-5);
      tf.dispose([x, f, w, ...ours, ...native]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('im2col filter gradient matches tf.conv2DBackpropFilter-based reference on an odd size', async () => {
    const xp = tf.randomNormal([1, 7, 7, 2], 0, 1, 'float32', 6) as Tensor4D;
    const dy = tf.randomNormal([1, 3, 3, 4], 0, 1, 'float32', 7) as Tensor4D;
    const ours = filterGradIm2col(xp, dy, 3, 3, 2);
    const ref = tf.grad((f) => tf.sum(tf.mul(tf.conv2d(xp, f as Tensor4D, 2, 'valid'), dy)))(tf.zeros([3, 3, 2, 4]) as Tensor4D);
    expect(relError(await values(ours), await values(ref))).toBeLessThan(1e-5);
    tf.dispose([xp, dy, ours, ref]);
  });

  it('conv2dNative gives the same forward and input gradient', async () => {
    const x = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 8) as Tensor4D;
    const f = tf.randomNormal([4, 4, 2, 3], 0, 1, 'float32', 9) as Tensor4D;
    const a = tf.grad((t) => tf.sum(tf.square(conv2dFilterGrad(t as Tensor4D, f, 2, 1))))(x);
    const b = tf.grad((t) => tf.sum(tf.square(conv2dNative(t as Tensor4D, f, 2, 1))))(x);
    expect(relError(await values(a), await values(b))).toBeLessThan(1e-5);
    tf.dispose([x, f, a, b]);
  });

  it('leaves no tensor behind outside gradients', () => {
    const x = tf.ones([1, 4, 4, 1]) as Tensor4D;
    const f = tf.ones([3, 3, 1, 1]) as Tensor4D;
    const before = tf.memory().numTensors;
    conv2dFilterGrad(x, f, 1, 1).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f]);
  });
});
