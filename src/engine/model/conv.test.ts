import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { useCpu } from '../testing/cpu';
import {
  conv2dFilterGrad,
  conv2dInputGrad,
  conv2dNative,
  convStrategyFor,
  filterGradConv,
  filterGradIm2col,
  padSpatial,
  projectionConv,
  setConvStrategyOverride,
  type ConvStrategy,
} from './conv';

const require = createRequire(import.meta.url);

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

const STRATEGIES: ConvStrategy[] = ['im2col', 'conv'];
const LAYERS = [
  { name: 'kernel 3, stride 1, pad 1', k: 3, stride: 1, pad: 1 },
  { name: 'kernel 4, stride 2, pad 1', k: 4, stride: 2, pad: 1 },
  { name: 'kernel 3, stride 2, pad 0', k: 3, stride: 2, pad: 0 },
  { name: 'kernel 2, stride 3, pad 1', k: 2, stride: 3, pad: 1 },
  { name: 'kernel 2, stride 2, pad 2', k: 2, stride: 2, pad: 2 },
];
// Even and odd sizes: with stride 2 an odd size leaves a row and column no window reads.
const SIZES = [
  [8, 6],
  [7, 5],
];

type Layer = (typeof LAYERS)[number];

/** The values `run` returns, computed on `backend`; every tensor it made is freed. */
async function on(backend: string, run: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = run();
  try {
    return await Promise.all(out.map(values));
  } finally {
    tf.dispose(out);
    expect(tf.memory().numTensors).toBe(before);
  }
}

/** Seeded inputs (the same on any backend) and random loss weights, so dy is non-uniform and every tap is tested. */
function inputs(c: Layer, h: number, wd: number, cout: number): { x: Tensor4D; f: Tensor4D; w: tf.Tensor } {
  const x = tf.randomNormal([2, h, wd, 3], 0, 1, 'float32', 3) as Tensor4D;
  const f = tf.randomNormal([c.k, c.k, 3, cout], 0, 1, 'float32', 4) as Tensor4D;
  const shape = tf.tidy(() => tf.conv2d(padSpatial(x, c.pad), f, c.stride, 'valid').shape);
  return { x, f, w: tf.randomNormal(shape, 0, 1, 'float32', 5) };
}

type ConvFn = (x: Tensor4D, f: Tensor4D) => Tensor4D;

/** [y, dx, dFilter] of sum(conv(x, f) * w); dFilter only when `withFilter`. */
function forwardAndGrads(c: Layer, h: number, wd: number, cout: number, conv: ConvFn, withFilter: boolean): tf.Tensor[] {
  const { x, f, w } = inputs(c, h, wd, cout);
  const y = conv(x, f);
  const grads = withFilter
    ? tf.grads((a, b) => tf.sum(tf.mul(conv(a as Tensor4D, b as Tensor4D), w)))([x, f])
    : [tf.grad((a) => tf.sum(tf.mul(conv(a as Tensor4D, f), w)))(x)];
  tf.dispose([x, f, w]);
  return [y, ...grads];
}

function expectClose(ours: Float32Array[], ref: Float32Array[]): void {
  expect(ours.map((a) => a.length)).toEqual(ref.map((a) => a.length));
  ours.forEach((a, i) => expect(relError(a, ref[i]!)).toBeLessThan(1e-5));
}

/**
 * Every strategy's forward, dx and dFilter on `backend` against tfjs's own conv and gradients
 * on cpu (wasm has no Conv2DBackpropFilter to compare with).
 */
function gradientEqualitySuite(backend: string): void {
  const native = (c: Layer): ConvFn => (x, f) => tf.tidy(() => tf.conv2d(padSpatial(x, c.pad), f, c.stride, 'valid'));
  for (const strategy of STRATEGIES) {
    for (const c of LAYERS) {
      for (const [h = 0, wd = 0] of SIZES) {
        it(`${strategy}: forward, dx and dFilter equal tfjs's (${c.name}, ${h}x${wd})`, async () => {
          const ref = await on('cpu', () => forwardAndGrads(c, h, wd, 5, native(c), true));
          const ours = await on(backend, () =>
            forwardAndGrads(c, h, wd, 5, (x, f) => conv2dFilterGrad(x, f, c.stride, c.pad, strategy), true),
          );
          expectClose(ours, ref);
        });
      }
    }
  }

  for (const c of LAYERS) {
    it(`conv2dInputGrad: forward and dx equal tfjs's (${c.name}, 7x5)`, async () => {
      const ref = await on('cpu', () => forwardAndGrads(c, 7, 5, 4, native(c), false));
      const ours = await on(backend, () => forwardAndGrads(c, 7, 5, 4, (x, f) => conv2dInputGrad(x, f, c.stride, c.pad), false));
      expectClose(ours, ref);
    });
  }

  it('both filter gradients equal the native one where windows skip the last row (stride 2, kernel 3, 7x7)', async () => {
    const seeded = () => ({
      xp: tf.randomNormal([2, 7, 7, 2], 0, 1, 'float32', 9) as Tensor4D,
      dy: tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 10) as Tensor4D,
    });
    const ref = await on('cpu', () => {
      const { xp, dy } = seeded();
      const f0 = tf.zeros([3, 3, 2, 4]) as Tensor4D;
      const g = tf.grad((f) => tf.sum(tf.mul(tf.conv2d(xp, f as Tensor4D, 2, 'valid'), dy)))(f0);
      tf.dispose([xp, dy, f0]);
      return [g, g.clone()];
    });
    const ours = await on(backend, () => {
      const { xp, dy } = seeded();
      const out = [filterGradIm2col(xp, dy, 3, 3, 2), filterGradConv(xp, dy, 3, 3, 2)];
      tf.dispose([xp, dy]);
      return out;
    });
    expectClose(ours, ref);
  });
}

describe('conv gradients on cpu', () => {
  gradientEqualitySuite('cpu');

  it('leaves no tensor behind outside gradients, for every strategy', () => {
    const x = tf.ones([1, 4, 4, 1]) as Tensor4D;
    const f = tf.ones([3, 3, 1, 1]) as Tensor4D;
    const before = tf.memory().numTensors;
    for (const s of STRATEGIES) conv2dFilterGrad(x, f, 1, 1, s).dispose();
    conv2dInputGrad(x, f, 1, 1).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f]);
  });
});

describe('convStrategyFor', () => {
  afterAll(() => setConvStrategyOverride(null));

  it('uses the conv-only gradients on wasm and im2col elsewhere, unless overridden', () => {
    expect(convStrategyFor('wasm')).toBe('conv');
    expect(['cpu', 'webgl', 'webgpu'].map(convStrategyFor)).toEqual(['im2col', 'im2col', 'im2col']);
    expect(projectionConv('conv')).toBe(conv2dInputGrad);
    expect(projectionConv('im2col')).toBe(conv2dNative);
    setConvStrategyOverride('conv');
    expect(convStrategyFor('cpu')).toBe('conv');
    setConvStrategyOverride(null);
    expect(convStrategyFor('cpu')).toBe('im2col');
  });
});

describe('conv gradients on wasm', () => {
  beforeAll(async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    expect(await tf.setBackend('wasm')).toBe(true);
    await tf.ready();
  });
  afterAll(() => useCpu());

  gradientEqualitySuite('wasm');
});
