/**
 * The network's conv layers (fused forward, hand-written gradients) against tfjs's own conv,
 * bias add and activation with tfjs's gradients on cpu: every gradient strategy, layer shape,
 * activation and backend (cpu, wasm), and no tensor left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { useCpu } from '../testing/cpu';
import { useWasm } from '../testing/wasm';
import { padSpatial, type ConvStrategy } from './conv';
import { KeptWeights } from './kept-weights';
import { activationGrad, LEAK, projectionConvLayer, trainingConvLayer, trainingInputLayer, type Activation, type ConvLayerSpec } from './layer';

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

const STRATEGIES: ConvStrategy[] = ['im2col', 'conv'];
const SHAPES = [
  { name: 'kernel 3, stride 1, pad 1', k: 3, stride: 1, pad: 1 },
  { name: 'kernel 4, stride 2, pad 1', k: 4, stride: 2, pad: 1 },
  { name: 'kernel 3, stride 2, pad 0', k: 3, stride: 2, pad: 0 },
  { name: 'kernel 2, stride 3, pad 1', k: 2, stride: 3, pad: 1 },
  { name: 'kernel 2, stride 2, pad 2', k: 2, stride: 2, pad: 2 },
];
const ACTIVATIONS: Activation[] = ['leakyrelu', 'sigmoid', 'linear'];
// Even and odd sizes: with stride 2 an odd size leaves a row and column no window reads.
const SIZES = [
  [8, 6],
  [7, 5],
];

type Shape = (typeof SHAPES)[number];
type LayerFn = (x: Tensor4D, f: Tensor4D, b: Tensor1D) => Tensor4D;

/** The values `run` returns, computed on `backend`; every tensor it made is freed. */
async function on(backend: string, run: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = run();
  try {
    return await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  } finally {
    tf.dispose(out);
    expect(tf.memory().numTensors).toBe(before);
  }
}

/** tfjs's own layer: padded conv, bias add, activation, each with tfjs's gradient. */
function nativeLayer(spec: ConvLayerSpec): LayerFn {
  const act = { leakyrelu: (t: tf.Tensor) => tf.leakyRelu(t, LEAK), sigmoid: tf.sigmoid, linear: (t: tf.Tensor) => t }[spec.activation];
  return (x, f, b) => tf.tidy(() => act(tf.add(tf.conv2d(padSpatial(x, spec.pad), f, spec.stride, 'valid'), b)) as Tensor4D);
}

/**
 * [y, dx, dFilter, dBias] of sum(layer(x, f, b) * r), dFilter and dBias only when `all`, for
 * seeded inputs (the same on any backend) and random loss weights r, so dy is non-uniform and
 * every tap is tested. Inputs straddle zero, so LeakyReLU's two slopes both occur.
 */
function forwardAndGrads(c: Shape, h: number, wd: number, layer: LayerFn, all: boolean): tf.Tensor[] {
  const x = tf.randomNormal([2, h, wd, 3], 0, 1, 'float32', 3) as Tensor4D;
  const f = tf.randomNormal([c.k, c.k, 3, 5], 0, 1, 'float32', 4) as Tensor4D;
  const b = tf.randomNormal([5], 0, 1, 'float32', 6) as Tensor1D;
  const y = layer(x, f, b);
  const r = tf.randomNormal(y.shape, 0, 1, 'float32', 5);
  const loss = (t: tf.Tensor) => tf.sum(tf.mul(t, r));
  const grads = all
    ? tf.grads((xi, fi, bi) => loss(layer(xi as Tensor4D, fi as Tensor4D, bi as Tensor1D)))([x, f, b])
    : [tf.grad((xi) => loss(layer(xi as Tensor4D, f, b)))(x)];
  tf.dispose([x, f, b, r]);
  return [y, ...grads];
}

/**
 * [y, dFilter, dBias] of the same loss for a layer whose input is data: x is made inside the
 * recorded function (so tfjs frees it before the backward pass, as a training step's noisy
 * images are) and is not differentiated.
 */
function forwardAndWeightGrads(c: Shape, h: number, wd: number, layer: LayerFn): tf.Tensor[] {
  const x = tf.randomNormal([2, h, wd, 3], 0, 1, 'float32', 3) as Tensor4D;
  const f = tf.randomNormal([c.k, c.k, 3, 5], 0, 1, 'float32', 4) as Tensor4D;
  const b = tf.randomNormal([5], 0, 1, 'float32', 6) as Tensor1D;
  const y = layer(x, f, b);
  const r = tf.randomNormal(y.shape, 0, 1, 'float32', 5);
  const grads = tf.grads((fi, bi) => tf.sum(tf.mul(layer(tf.mul(x, 1), fi as Tensor4D, bi as Tensor1D), r)))([f, b]);
  tf.dispose([x, f, b, r]);
  return [y, ...grads];
}

function expectClose(ours: Float32Array[], ref: Float32Array[]): void {
  expect(ours.map((a) => a.length)).toEqual(ref.map((a) => a.length));
  ours.forEach((a, i) => expect(relError(a, ref[i]!)).toBeLessThan(1e-5));
}

function equalitySuite(backend: string): void {
  SHAPES.forEach((c, i) => {
    // Each shape meets each activation over the strategies and sizes.
    const activation = ACTIVATIONS[i % ACTIVATIONS.length]!;
    const spec: ConvLayerSpec = { stride: c.stride, pad: c.pad, activation };
    for (const strategy of STRATEGIES) {
      for (const [h = 0, wd = 0] of SIZES) {
        it(`${strategy}: forward and the x, filter and bias gradients equal tfjs's (${c.name}, ${activation}, ${h}x${wd})`, async () => {
          const ref = await on('cpu', () => forwardAndGrads(c, h, wd, nativeLayer(spec), true));
          const ours = await on(backend, () => forwardAndGrads(c, h, wd, (x, f, b) => trainingConvLayer(x, f, b, spec, strategy), true));
          expectClose(ours, ref);
        });
      }
      it(`${strategy}, first layer of training: forward and the filter and bias gradients equal tfjs's (${c.name}, ${activation}, 7x5)`, async () => {
        const [y, , dFilter, dBias] = await on('cpu', () => forwardAndGrads(c, 7, 5, nativeLayer(spec), true));
        const ours = await on(backend, () => forwardAndWeightGrads(c, 7, 5, (x, f, b) => trainingInputLayer(x, f, b, spec, strategy)));
        expectClose(ours, [y!, dFilter!, dBias!]);
      });
      it(`${strategy}, projection: forward and the x gradient equal tfjs's (${c.name}, ${activation}, 7x5)`, async () => {
        const ref = await on('cpu', () => forwardAndGrads(c, 7, 5, nativeLayer(spec), false));
        const kept = new KeptWeights();
        const layer = projectionConvLayer(kept);
        const ours = await on(backend, () => {
          const out = forwardAndGrads(c, 7, 5, (x, f, b) => layer(x, f, b, spec, strategy), false);
          kept.dispose();
          return out;
        });
        expectClose(ours, ref);
      });
    }
  });
}

/** dx of sum(layer(x, f, b) * r) for seeded x, b and r, with filter `f`. */
function inputGrad(layer: LayerFn, f: Tensor4D, cout: number): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.randomNormal([2, 8, 6, 3], 0, 1, 'float32', 3) as Tensor4D;
    const b = tf.randomNormal([cout], 0, 1, 'float32', 6) as Tensor1D;
    const r = tf.randomNormal(layer(x, f, b).shape, 0, 1, 'float32', 5);
    return tf.grad((xi) => tf.sum(tf.mul(layer(xi as Tensor4D, f, b), r)))(x);
  });
}

/** The projection layer's kept filters: reused while the filter is the same, made anew when its value changes. */
function keptFiltersSuite(backend: string): void {
  for (const c of SHAPES.slice(0, 2)) {
    it(`projection: the kept filters follow the filter's value (${c.name})`, async () => {
      const spec: ConvLayerSpec = { stride: c.stride, pad: c.pad, activation: 'leakyrelu' };
      const values = [4, 7].map((seed) => tf.randomNormal([c.k, c.k, 3, 5], 0, 1, 'float32', seed) as Tensor4D);
      const refs = await on('cpu', () => values.map((v) => inputGrad(nativeLayer(spec), v, 5)));
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const f = tf.variable(values[0]!);
      const kept = new KeptWeights();
      const layer = projectionConvLayer(kept);
      const ours: LayerFn = (x, fi, b) => layer(x, fi, b, spec, 'conv');
      const gradOf = async () => {
        const g = inputGrad(ours, f, 5);
        const data = (await g.data()) as Float32Array;
        g.dispose();
        return data;
      };
      const first = await gradOf();
      const size = kept.size;
      // Flipped (one filter) or, for kernel-4 stride-2 layers on the host, two row-phase filters.
      expect(size).toBeGreaterThan(0);
      const again = await gradOf();
      expect(kept.size).toBe(size);
      f.assign(values[1]!);
      const changed = await gradOf();
      expect(kept.size).toBe(size);
      kept.dispose();
      f.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(values);
      expectClose([first, again, changed], [refs[0]!, refs[0]!, refs[1]!]);
    });
  }
}

describe('conv layers on cpu', () => {
  equalitySuite('cpu');
  keptFiltersSuite('cpu');

  it('leaves no tensor behind outside gradients, for every strategy and activation', () => {
    const x = tf.ones([1, 4, 4, 1]) as Tensor4D;
    const f = tf.ones([3, 3, 1, 1]) as Tensor4D;
    const b = tf.zeros([1]) as Tensor1D;
    const before = tf.memory().numTensors;
    for (const strategy of STRATEGIES) {
      for (const activation of ACTIVATIONS) {
        const spec = { stride: 1, pad: 1, activation };
        trainingConvLayer(x, f, b, spec, strategy).dispose();
        trainingInputLayer(x, f, b, spec, strategy).dispose();
        const kept = new KeptWeights();
        projectionConvLayer(kept)(x, f, b, spec, strategy).dispose();
        kept.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f, b]);
  });

  it('the first layer of training gives no gradient for its input: asking for one throws', () => {
    const f = tf.ones([3, 3, 1, 1]) as Tensor4D;
    const b = tf.zeros([1]) as Tensor1D;
    const spec: ConvLayerSpec = { stride: 1, pad: 1, activation: 'linear' };
    expect(() => tf.grad((x) => tf.sum(trainingInputLayer(x as Tensor4D, f, b, spec)))(tf.ones([1, 4, 4, 1]))).toThrow(/gradient/i);
    tf.dispose([f, b]);
  });

  it("LeakyReLU's gradient from the output: slope 1 above zero, LEAK at and below it", async () => {
    const y = tf.tensor4d([2, 0.5, 0, -0.1, -3, 1e-30], [1, 1, 6, 1]);
    const dy = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 6, 1]);
    const g = activationGrad(dy, y, 'leakyrelu');
    expect(Array.from(await g.data())).toEqual([1, 2, 3 * LEAK, 4 * LEAK, 5 * LEAK, 6].map(Math.fround));
    tf.dispose([y, dy, g]);
  });
});

describe('conv layers on wasm', () => {
  beforeAll(async () => {
    expect(await useWasm()).toBe(true);
  });
  afterAll(() => useCpu());

  equalitySuite('wasm');
  keptFiltersSuite('wasm');
});
