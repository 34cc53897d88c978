import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { isEngineError } from '../errors';
import { useCpu } from '../testing/cpu';
import type { VaeConfig } from '../types';
import { setConvStrategyOverride, type ConvStrategy } from './conv';
import { createVae, latentDim, resolveDepth, stableName, upsample2x, validateConfig, weightSpecs } from './vae';

beforeAll(() => useCpu());

const configs: VaeConfig[] = [
  { size: 16, channels: 1, latent: 4, width: 4 },
  { size: 16, channels: 3, latent: 4, width: 4 },
  { size: 32, channels: 1, latent: 6, width: 4 },
  { size: 32, channels: 3, latent: 4, width: 2, depth: 2 },
  { size: 16, channels: 1, latent: 2, width: 2, depth: 3 },
  { size: 16, channels: 3, latent: 2, width: 4, bottleneck: 'spatial' },
  { size: 32, channels: 1, latent: 3, width: 2, depth: 2, bottleneck: 'spatial' },
];

describe('resolveDepth and validateConfig', () => {
  it('defaults to log2(size) - 2, capped at 5', () => {
    const depth = (size: number): number => resolveDepth({ size, channels: 1, latent: 4, width: 4 });
    expect([16, 32, 64, 128, 256].map(depth)).toEqual([2, 3, 4, 5, 5]);
    expect(resolveDepth({ size: 64, channels: 1, latent: 4, width: 4, depth: 2 })).toBe(2);
  });

  const bad: [string, VaeConfig][] = [
    ['size not a power of two', { size: 48, channels: 1, latent: 4, width: 4 }],
    ['size too small', { size: 8, channels: 1, latent: 4, width: 4 }],
    ['size too large', { size: 512, channels: 1, latent: 4, width: 4 }],
    ['channels 2', { size: 16, channels: 2 as 1, latent: 4, width: 4 }],
    ['latent 1', { size: 16, channels: 1, latent: 1, width: 4 }],
    ['width 1', { size: 16, channels: 1, latent: 4, width: 1 }],
    ['fractional width', { size: 16, channels: 1, latent: 4, width: 2.5 }],
    ['depth too deep', { size: 16, channels: 1, latent: 4, width: 4, depth: 4 }],
    ['an unknown bottleneck', { size: 16, channels: 1, latent: 4, width: 4, bottleneck: 'global' as 'dense' }],
  ];
  for (const [name, cfg] of bad) {
    it(`rejects ${name} with 'invalid-argument'`, () => {
      let caught: unknown;
      try {
        validateConfig(cfg);
      } catch (e) {
        caught = e;
      }
      expect(isEngineError(caught, 'invalid-argument')).toBe(true);
      expect(() => createVae(cfg)).toThrow();
    });
  }
});

describe('the spatial bottleneck', () => {
  it('keeps `latent` channels on the smallest map: latentDim = b * b * latent, conv weights only', () => {
    const cfg: VaeConfig = { size: 32, channels: 3, latent: 5, width: 4, depth: 2, bottleneck: 'spatial' };
    expect(latentDim(cfg)).toBe(8 * 8 * 5);
    expect(latentDim({ ...cfg, bottleneck: 'dense' })).toBe(5);
    const shapes = new Map(weightSpecs(cfg).map((s) => [s.name, s.shape]));
    expect(shapes.get('enc/mu/kernel')).toEqual([3, 3, 8, 5]);
    expect(shapes.get('enc/logvar/kernel')).toEqual([3, 3, 8, 5]);
    expect(shapes.get('dec/in/kernel')).toEqual([3, 3, 5, 8]);
    expect(shapes.has('dec/dense/kernel')).toBe(false);
  });

  it('is translation-equivariant: a shifted input gives the shifted code, away from the borders', async () => {
    const cfg: VaeConfig = { size: 32, channels: 1, latent: 2, width: 2, depth: 2, bottleneck: 'spatial' };
    const vae = createVae(cfg, 3);
    const [a, b] = tf.tidy(() => {
      const x = tf.randomUniform([1, 32, 32, 1], 0, 1, 'float32', 5) as Tensor4D;
      // A shift by 4 px (one cell of the 8 x 8 map after two stride-2 layers).
      const shifted = tf.concat([tf.slice(x, [0, 4, 0, 0], [1, 28, 32, 1]), tf.slice(x, [0, 0, 0, 0], [1, 4, 32, 1])], 1) as Tensor4D;
      const inner = (img: Tensor4D, dy: number) => tf.slice(tf.reshape(vae.encode(img).mu, [8, 8, 2]), [2 + dy, 2, 0], [3, 4, 2]);
      return [inner(x, 1), inner(shifted, 0)];
    });
    const expected = Array.from(await a.data());
    Array.from(await b.data()).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
    tf.dispose([a, b]);
    vae.dispose();
  });
});

describe('createVae', () => {
  for (const cfg of configs) {
    it(`has the right shapes for ${JSON.stringify(cfg)}`, async () => {
      const before = tf.memory().numTensors;
      const vae = createVae(cfg, 1);
      const x = tf.randomUniform([3, cfg.size, cfg.size, cfg.channels], 0, 1, 'float32', 2) as Tensor4D;
      const { mu, logVar } = vae.encode(x);
      expect(mu.shape).toEqual([3, latentDim(cfg)]);
      expect(logVar.shape).toEqual([3, latentDim(cfg)]);
      const y = vae.decode(mu);
      const r = vae.reconstruct(x);
      expect(y.shape).toEqual(x.shape);
      expect(r.shape).toEqual(x.shape);
      const values = await r.data();
      expect(values.every((v) => v > 0 && v < 1)).toBe(true);
      // reconstruct is decode(mu), through the same weights.
      expect(Array.from(values)).toEqual(Array.from(await y.data()));
      expect(vae.variables.length).toBe(weightSpecs(cfg).length);
      expect(vae.config.depth).toBe(resolveDepth(cfg));
      tf.dispose([x, mu, logVar, y, r]);
      vae.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('uses width, 2w, 4w, 8w filters capped at 8w and stable weight names', () => {
    const cfg: VaeConfig = { size: 256, channels: 3, latent: 8, width: 2 };
    const specs = weightSpecs(cfg);
    const shape = (name: string): number[] | undefined => specs.find((s) => s.name === name)?.shape;
    expect(shape('enc0/kernel')).toEqual([4, 4, 3, 2]);
    expect(shape('enc3/kernel')).toEqual([4, 4, 8, 16]);
    expect(shape('enc4/kernel')).toEqual([4, 4, 16, 16]);
    expect(shape('enc/mu/kernel')).toEqual([8 * 8 * 16, 8]);
    expect(shape('dec/dense/kernel')).toEqual([8, 8 * 8 * 16]);
    expect(shape('dec0/kernel')).toEqual([3, 3, 4, 2]);
    expect(shape('dec/out/kernel')).toEqual([3, 3, 2, 3]);
  });

  it('is deterministic for a seed, differs across seeds, and two models coexist', async () => {
    const cfg = configs[0]!;
    const a = createVae(cfg, 7);
    const b = createVae(cfg, 7);
    const c = createVae(cfg, 8);
    expect(a.variables.map(stableName)).toEqual(b.variables.map(stableName));
    expect(stableName(a.variables[0]!)).toBe('enc0/kernel');
    const first = async (v: typeof a): Promise<number[]> => Array.from(await v.variables[0]!.data());
    expect(await first(a)).toEqual(await first(b));
    expect(await first(a)).not.toEqual(await first(c));
    [a, b, c].forEach((v) => v.dispose());
  });

  it('reconstruct is differentiable with respect to the input', async () => {
    const vae = createVae(configs[0]!, 3);
    const x = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 4) as Tensor4D;
    const before = tf.memory().numTensors;
    const g = tf.grad((t) => tf.sum(tf.square(tf.sub(t, vae.reconstruct(t as Tensor4D)))))(x);
    expect(g.shape).toEqual(x.shape);
    const values = await g.data();
    expect(values.every(Number.isFinite)).toBe(true);
    expect(values.some((v) => v !== 0)).toBe(true);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    vae.dispose();
  });

  it('decode maps latent codes to images in (0, 1)', async () => {
    const vae = createVae(configs[1]!, 5);
    const z = tf.randomNormal([2, 4], 0, 3, 'float32', 6) as Tensor2D;
    const y = vae.decode(z);
    expect(y.shape).toEqual([2, 16, 16, 3]);
    expect((await y.data()).every((v) => v > 0 && v < 1)).toBe(true);
    tf.dispose([z, y]);
    vae.dispose();
  });
});

describe('upsample2x', () => {
  it('repeats every pixel into a 2 x 2 block', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const y = upsample2x(x);
    expect(y.shape).toEqual([1, 4, 4, 2]);
    const v = (await y.array())[0]!;
    expect(v[0]![0]).toEqual([1, 2]);
    expect(v[1]![1]).toEqual([1, 2]);
    expect(v[0]![2]).toEqual([3, 4]);
    expect(v[3]![3]).toEqual([7, 8]);
    expect(v[2]![1]).toEqual([5, 6]);
    tf.dispose([x, y]);
  });

  it('has the gradient of a broadcast copy: each 2 x 2 block of dy summed', async () => {
    const x = tf.randomNormal([2, 3, 2, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const r = tf.randomNormal([2, 6, 4, 3], 0, 1, 'float32', 2);
    const ours = tf.grad((a) => tf.sum(tf.mul(upsample2x(a as tf.Tensor4D), r)))(x);
    const byHand = tf.sum(tf.reshape(r, [2, 3, 2, 2, 2, 3]), [2, 4]);
    expect(ours.shape).toEqual(x.shape);
    const diff = tf.max(tf.abs(tf.sub(ours, byHand)));
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    tf.dispose([x, r, ours, byHand, diff]);
  });
});

describe('conv gradient strategies', () => {
  afterAll(() => setConvStrategyOverride(null));

  /** Weight gradients of a training-like loss and the input gradient of reconstruct, under `strategy`. */
  async function gradients(strategy: ConvStrategy): Promise<Float32Array[]> {
    setConvStrategyOverride(strategy);
    const before = tf.memory().numTensors;
    const vae = createVae({ size: 16, channels: 3, latent: 4, width: 4 }, 11);
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 12) as Tensor4D;
    const loss = (): tf.Scalar => {
      const { mu, logVar } = vae.encode(x);
      return tf.add(tf.sum(tf.square(tf.sub(x, vae.decode(mu)))), tf.sum(tf.square(logVar)));
    };
    const { value, grads } = tf.variableGrads(loss, vae.variables);
    const dx = tf.grad((t) => tf.sum(tf.square(tf.sub(t, vae.reconstruct(t as Tensor4D)))))(x);
    const out = [...vae.variables.map((v) => grads[v.name]!), dx];
    const data = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
    tf.dispose([value, ...out]);
    x.dispose();
    // What the projection keeps under 'conv': two row-phase filters for each of the two stride-2
    // layers (3 and 4 input channels), a flipped filter for each of the three 3 x 3 ones, W^T for
    // the two dense layers.
    expect(vae.keptTensors()).toBe(strategy === 'conv' ? 2 * 2 + 3 + 2 : 0);
    expect(tf.memory().numTensors).toBe(before + vae.variables.length + vae.keptTensors());
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return data;
  }

  it('give the same weight gradients and the same input gradient of reconstruct', async () => {
    const im2col = await gradients('im2col');
    const conv = await gradients('conv');
    expect(conv.length).toBe(im2col.length);
    im2col.forEach((ref, i) => {
      const got = conv[i]!;
      const scale = Math.max(...ref.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(Math.max(...ref.map((v, j) => Math.abs(v - (got[j] ?? NaN)))) / scale).toBeLessThan(1e-4);
    });
  });
});
