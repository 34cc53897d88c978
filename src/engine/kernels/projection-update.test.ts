/**
 * A projection step's update in one kernel against tfjs's ops on the same inputs: the three
 * variants, images whose values are not whole vectors, pixels where x = x0 (sign 0), steps
 * clipped at both ends, images taken in ranges as threads share them; and a whole projection
 * step on wasm against the same step with the engine's kernels off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { createVae } from '../model/vae';
import { perImageSum } from '../model/sum';
import { projectionStep } from '../project/project';
import type { ProjectionSettings } from '../types';
import { projectionUpdateSimd } from './projection-update';
import { currentSimd, setSimdKernelsEnabled } from './simd-module';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});
afterAll(() => setSimdKernelsEnabled(true));

type Variant = ProjectionSettings['variant'];

/** x, x0 (equal to x on the first rows), the gradient, the residual and a gain >= 1, seeded; the gain per pixel and channel. */
function inputs(shape: [number, number, number, number]) {
  const x = tf.randomUniform(shape, 0, 1, 'float32', 1) as Tensor4D;
  const rows = Math.ceil(shape[1] / 3);
  const x0 = tf.tidy(() => tf.concat([tf.slice(x, [0, 0, 0, 0], [-1, rows, -1, -1]), tf.randomUniform([shape[0], shape[1] - rows, shape[2], shape[3]], 0, 1, 'float32', 2)], 1)) as Tensor4D;
  const grad = tf.randomNormal(shape, 0, 3, 'float32', 3) as Tensor4D;
  const residual = tf.randomNormal(shape, 0, 1, 'float32', 4) as Tensor4D;
  const gain = tf.randomUniform([1, shape[1], shape[2], shape[3]], 1, 3, 'float32', 5) as Tensor4D;
  return { x, x0, grad, residual, gain };
}

/** tfjs's ops for the same update (project.ts's fallback). */
function byOps({ x, x0, grad, residual }: ReturnType<typeof inputs>, gain: Tensor4D | undefined, s: Pick<ProjectionSettings, 'alpha' | 'lambda' | 'variant'>): Tensor[] {
  return tf.tidy(() => {
    const d = tf.sub<Tensor4D>(x, x0);
    const g = tf.add(grad, tf.mul(s.lambda, tf.sign(d)));
    const w = gain === undefined ? tf.square(residual) : tf.div(tf.square(residual), gain);
    const direction = s.variant === 'plain' ? g : tf.mul(g, w);
    return [tf.clipByValue(tf.sub(x, tf.mul(direction, s.alpha)), 0, 1), perImageSum(tf.abs(d))];
  });
}

async function expectClose(a: Tensor, b: Tensor, digits: number): Promise<void> {
  const [u, v] = [await a.data(), await b.data()];
  expect(u.length).toBe(v.length);
  for (let i = 0; i < v.length; i++) expect(u[i]!).toBeCloseTo(v[i]!, digits);
}

describe('a projection step\'s update in one kernel on wasm', () => {
  it.each([
    ['weighted', [3, 5, 5, 3]],
    ['plain', [2, 4, 4, 4]],
    ['calibrated', [3, 5, 5, 3]],
    ['calibrated', [1, 6, 6, 1]],
  ] as [Variant, [number, number, number, number]][])('equals tfjs\'s ops: %s, x %j', async (variant, shape) => {
    const t = inputs(shape);
    const gain = variant === 'calibrated' ? t.gain : undefined;
    // A step of 0.4 takes many values past 0 or 1.
    const s = { alpha: 0.4, lambda: 0.3, variant };
    const [next, l1] = byOps(t, gain, s);
    const ours = projectionUpdateSimd(t.x, t.x0, t.grad, t.residual, gain, s);
    if (ours === null) throw new Error('the kernel stepped aside');
    const values = await ours.next.data();
    expect(values.some((v) => v === 0) && values.some((v) => v === 1)).toBe(true);
    await expectClose(ours.next, next!, 6);
    await expectClose(ours.l1, l1!, 4);
    tf.dispose([...Object.values(t), next!, l1!, ours.next, ours.l1]);
  });

  it('gives the same values when its images are taken in ranges (as threads share them)', async () => {
    const t = inputs([5, 3, 3, 3]);
    const whole = projectionUpdateSimd(t.x, t.x0, t.grad, t.residual, t.gain, { alpha: 0.2, lambda: 0.1, variant: 'calibrated' })!;
    const simd = currentSimd()!;
    const [next, l1] = [tf.fill([5, 3, 3, 3], Number.NaN), tf.fill([5], Number.NaN)];
    const at = [t.x, t.x0, t.grad, t.residual, t.gain, next, l1].map((u) => simd.offset(u as never));
    for (const [first, last] of [[0, 2], [2, 3], [3, 5]]) simd.exports.projectionUpdate(...at, 27, first!, last!, 0.2, 0.1, 1);
    expect(Array.from(await next.data())).toEqual(Array.from(await whole.next.data()));
    expect(Array.from(await l1.data())).toEqual(Array.from(await whole.l1.data()));
    tf.dispose([...Object.values(t), next, l1, whole.next, whole.l1]);
  });

  it('steps aside for a gain that is not one image\'s size', () => {
    const t = inputs([2, 4, 4, 3]);
    const perPixel = tf.ones([1, 4, 4, 1]) as Tensor4D;
    expect(projectionUpdateSimd(t.x, t.x0, t.grad, t.residual, perPixel, { alpha: 1, lambda: 0.1, variant: 'calibrated' })).toBeNull();
    tf.dispose([...Object.values(t), perPixel]);
  });

  it('makes a whole projection step as the engine\'s kernels off do', async () => {
    const vae = createVae({ size: 16, channels: 3, latent: 8, width: 4 }, 2);
    const x0 = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 6) as Tensor4D;
    const x = tf.tidy(() => tf.clipByValue(tf.add(x0, tf.randomNormal([3, 16, 16, 3], 0, 0.05, 'float32', 7)), 0, 1)) as Tensor4D;
    const gain = tf.randomUniform([1, 16, 16, 3], 1, 2, 'float32', 8) as Tensor4D;
    const s: ProjectionSettings = { alpha: 1, lambda: 0.1, iterations: 1, variant: 'calibrated' };
    const kernelNames = async (): Promise<string[]> => (await tf.profile(() => tf.dispose(Object.values(projectionStep(vae, x, x0, s, gain))))).kernels.map((k) => k.name);
    expect(await kernelNames()).toContain('ProjectionUpdateSimd');
    const fused = projectionStep(vae, x, x0, s, gain);
    setSimdKernelsEnabled(false);
    expect(await kernelNames()).not.toContain('ProjectionUpdateSimd');
    const ops = projectionStep(vae, x, x0, s, gain);
    setSimdKernelsEnabled(true);
    await expectClose(fused.next, ops.next, 5);
    await expectClose(fused.energy, ops.energy, 3);
    tf.dispose([x0, x, gain, fused.next, fused.energy, ops.next, ops.energy]);
    vae.dispose();
  });
});
