/**
 * The dense layers' products on wasm (their own routes) and cpu (tf.matMul): the same values
 * and gradients as tf.matMul on cpu, for both layer shapes of the VAE, and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/cpu';
import { prepareWasm } from '../testing/wasm';
import { projectionMatMul, trainingMatMul, type MatMulFn } from './dense';
import { KeptWeights } from './kept-weights';

/** [y, dx, dW] of sum(mm(x, w) * r) for seeded x, w and r, as plain arrays. */
async function productAndGrads(mm: MatMulFn, k: number, n: number, withW: boolean, release = () => {}, batch = 3): Promise<Float32Array[]> {
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([batch, k], 0, 1, 'float32', 1) as tf.Tensor2D;
  const w = tf.randomNormal([k, n], 0, 1, 'float32', 2) as tf.Tensor2D;
  const r = tf.randomNormal([batch, n], 0, 1, 'float32', 3);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(mm(a as tf.Tensor2D, b as tf.Tensor2D), r));
  const out = [mm(x, w), ...(withW ? tf.grads(f)([x, w]) : [tf.grad((a) => f(a, w))(x)])];
  const values = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([x, w, r, ...out]);
  release();
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

function expectClose(ours: Float32Array[], ref: Float32Array[]): void {
  expect(ours.map((a) => a.length)).toEqual(ref.map((a) => a.length));
  ours.forEach((a, i) => {
    const b = ref[i]!;
    const scale = Math.max(...Array.from(b, Math.abs));
    const diff = Math.max(...Array.from(a, (v, j) => Math.abs(v - (b[j] ?? NaN))));
    expect(diff / scale).toBeLessThan(1e-5);
  });
}

const SHAPES = [
  [40, 6],
  [6, 40],
];

describe.each(['cpu', 'wasm'])('dense products on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'wasm') prepareWasm();
  });
  afterAll(() => useCpu());

  for (const [k = 0, n = 0] of SHAPES) {
    // Batches on both sides of PACK_FROM_BATCH: the forward takes a different route on wasm.
    for (const batch of [3, 5]) {
      it(`training: x W, dx and dW equal tf.matMul's (${k} -> ${n}, batch ${batch})`, async () => {
        await tf.setBackend('cpu');
        const ref = await productAndGrads((a, b) => tf.matMul(a, b), k, n, true, undefined, batch);
        expect(await tf.setBackend(backend)).toBe(true);
        expectClose(await productAndGrads(trainingMatMul(), k, n, true, undefined, batch), ref);
      });
    }

    it(`projection: x W and dx equal tf.matMul's, W^T kept by the caller (${k} -> ${n})`, async () => {
      await tf.setBackend('cpu');
      const ref = await productAndGrads((a, b) => tf.matMul(a, b), k, n, false);
      expect(await tf.setBackend(backend)).toBe(true);
      const kept = new KeptWeights();
      // On wasm the backward pass used one kept W^T; elsewhere tf.matMul's own gradient needs none.
      const release = () => {
        expect(kept.size).toBe(backend === 'wasm' ? 1 : 0);
        kept.dispose();
      };
      expectClose(await productAndGrads(projectionMatMul(kept), k, n, false, release), ref);
    });
  }
});
