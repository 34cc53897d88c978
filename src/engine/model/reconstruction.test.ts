import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { runProjection } from '../project/run';
import { useCpu } from '../testing/cpu';
import { createLinearAe } from '../testing/linear-ae';
import { smoothNormal, withSquare } from '../testing/synthetic';
import type { ReconstructionTerm } from '../types';
import type { Autoencoder } from './autoencoder';
import { useWasm } from '../testing/wasm';
import { blur, gaussianBand, reconstructionError, ssimDissimilarity, ssimMap } from './reconstruction';

beforeAll(() => useCpu());

const TERMS: ReconstructionTerm[] = [
  { kind: 'l2' },
  { kind: 'l1' },
  { kind: 'ssim', window: 7 },
  { kind: 'ssim', window: 11, on: 'luma' },
  { kind: 'mix', window: 7, ssimWeight: 0.84 },
];

function randomImage(seed: number, h: number, w: number, c: number): Tensor4D {
  const rng = mulberry32(seed);
  return tf.tensor4d(Float32Array.from({ length: h * w * c }, () => rng()), [1, h, w, c]);
}

/** SSIM straight from its definition: a loop over each pixel's window, in float64. */
function ssimByLoops(a: Float32Array, b: Float32Array, h: number, w: number, window: number): Float64Array {
  const gh = gaussianBand(h, window);
  const gw = gaussianBand(w, window);
  const out = new Float64Array(h * w);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
      for (let u = 0; u < h; u++) {
        for (let v = 0; v < w; v++) {
          const k = (gh[i * h + u] ?? 0) * (gw[j * w + v] ?? 0);
          const x = a[u * w + v] ?? 0;
          const y = b[u * w + v] ?? 0;
          ma += k * x; mb += k * y; aa += k * x * x; bb += k * y * y; ab += k * x * y;
        }
      }
      const num = (2 * ma * mb + 1e-4) * (2 * (ab - ma * mb) + 9e-4);
      const den = (ma * ma + mb * mb + 1e-4) * (aa - ma * ma + bb - mb * mb + 9e-4);
      out[i * w + j] = num / den;
    }
  }
  return out;
}

/** The blur as products with the transpose flag, tfjs's own gradients: the reference. */
function blurWithFlags(t: Tensor4D, window: number): Tensor4D {
  const [n, h, w, k] = t.shape;
  const gw = tf.tensor2d(gaussianBand(w, window), [w, w]);
  const gh = tf.tensor2d(gaussianBand(h, window), [h, h]);
  const alongW = tf.matMul(tf.reshape(tf.transpose(t, [0, 1, 3, 2]), [n * h * k, w]), gw, false, true);
  const alongH = tf.matMul(tf.reshape(tf.transpose(tf.reshape(alongW, [n, h, k, w]), [0, 2, 3, 1]), [n * k * w, h]), gh, false, true);
  return tf.transpose(tf.reshape(alongH, [n, k, w, h]), [0, 3, 2, 1]);
}

describe('the Gaussian blur', () => {
  it('gives the values and the gradient of the products with the transpose flag, on cpu and wasm', async () => {
    const t = tf.tensor4d(Float32Array.from({ length: 2 * 9 * 7 * 3 }, (_, i) => Math.sin(i * 0.7)), [2, 9, 7, 3]);
    const r = tf.tensor4d(Float32Array.from({ length: 2 * 9 * 7 * 3 }, (_, i) => Math.cos(i * 0.3)), [2, 9, 7, 3]);
    const valueAndGrad = (f: (x: Tensor4D) => Tensor4D) => [f(t), tf.grad((x) => tf.sum(tf.mul(f(x as Tensor4D), r)))(t)];
    const ref = await Promise.all(valueAndGrad((x) => blurWithFlags(x, 7)).map((x) => x.data()));
    for (const backend of ['cpu', 'wasm']) {
      if (backend === 'wasm') expect(await useWasm()).toBe(true);
      const before = tf.memory().numTensors;
      const out = valueAndGrad((x) => blur(x, 7));
      const ours = await Promise.all(out.map((x) => x.data()));
      tf.dispose(out);
      expect(tf.memory().numTensors).toBe(before);
      ours.forEach((a, i) => a.forEach((v, j) => expect(v).toBeCloseTo(ref[i]![j]!, 5)));
    }
    await useCpu();
    tf.dispose([t, r]);
  });
});

describe('SSIM', () => {
  it('is 1 for an image against itself, for both windows and on luma', () => {
    const x = randomImage(1, 12, 10, 3);
    for (const [window, on] of [[7, 'channels'], [11, 'channels'], [11, 'luma']] as const) {
      const values = tf.tidy(() => ssimMap(x, x, window, on).dataSync());
      values.forEach((v) => expect(v).toBeCloseTo(1, 5));
    }
    x.dispose();
  });

  it('gives (2ab + C1) / (a^2 + b^2 + C1) for two flat images, computed by hand', () => {
    const a = tf.fill([1, 9, 9, 1], 0.5) as Tensor4D;
    const b = tf.fill([1, 9, 9, 1], 0.25) as Tensor4D;
    const expected = (2 * 0.5 * 0.25 + 1e-4) / (0.25 + 0.0625 + 1e-4);
    tf.tidy(() => ssimMap(a, b, 7).dataSync()).forEach((v) => expect(v).toBeCloseTo(expected, 5));
    tf.dispose([a, b]);
  });

  it('matches the window-by-window definition on random images, borders included', () => {
    const a = randomImage(2, 9, 13, 1);
    const b = tf.tidy(() => tf.clipByValue(tf.add(a, tf.mul(randomImage(3, 9, 13, 1), 0.3)), 0, 1) as Tensor4D);
    const fast = tf.tidy(() => ssimMap(a, b, 7).dataSync());
    const slow = ssimByLoops(a.dataSync() as Float32Array, b.dataSync() as Float32Array, 9, 13, 7);
    slow.forEach((v, i) => expect(fast[i]).toBeCloseTo(v, 4));
    tf.dispose([a, b]);
  });

  it('has rows of the banded Gaussian that sum to 1 and a window no wider than asked', () => {
    const n = 20;
    const m = gaussianBand(n, 7);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        sum += m[i * n + j] ?? 0;
        if (Math.abs(i - j) > 3) expect(m[i * n + j]).toBe(0);
      }
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('maps a changed square brighter than the background beyond its window', () => {
    const clean = smoothNormal(24, 1, 4, 0.05);
    const { image, mask } = withSquare(clean, 8, 8, 6, 0.95);
    const map = tf.tidy(() => {
      const x = tf.tensor4d(image.data, [1, 24, 24, 1]);
      const y = tf.tensor4d(clean.data, [1, 24, 24, 1]);
      return ssimDissimilarity(x, y, 7).dataSync();
    });
    // The square covers 8..13; a 7 px window reaches 3 px beyond it.
    const far = (i: number): boolean => [i % 24, Math.floor(i / 24)].some((c) => c < 5 || c > 16);
    let inside = 0, outside = 0;
    mask.data.forEach((m, i) => {
      if (m) inside += map[i] ?? 0;
      else if (far(i)) outside = Math.max(outside, map[i] ?? 0);
    });
    expect(inside / mask.data.reduce((s, m) => s + m, 0)).toBeGreaterThan(10 * outside);
  });
});

describe('reconstruction terms', () => {
  it.each(TERMS)('are 0 for a perfect reconstruction and positive otherwise (%o)', (term) => {
    const x = randomImage(4, 16, 16, 3);
    const y = tf.tidy(() => tf.clipByValue(tf.add(x, 0.1), 0, 1) as Tensor4D);
    const [same, off] = tf.tidy(() => [reconstructionError(x, x, term).dataSync()[0] ?? NaN, reconstructionError(x, y, term).dataSync()[0] ?? NaN]);
    expect(Math.abs(same)).toBeLessThan(1e-3);
    expect(off).toBeGreaterThan(0.5);
    tf.dispose([x, y]);
  });

  it.each(TERMS.filter((t) => t.kind !== 'l2'))('have an input gradient that finite differences confirm (%o)', (term) => {
    const rng = mulberry32(7);
    const y = randomImage(5, 12, 12, 3);
    // |x - y| >= 0.05 everywhere, so the L1 part has no kink within eps of x.
    const x = tf.tidy(() => tf.add<Tensor4D>(y, tf.tensor4d(Float32Array.from({ length: 432 }, () => (rng() < 0.5 ? -1 : 1) * (0.05 + 0.1 * rng())), y.shape)));
    const v = tf.tensor4d(Float32Array.from({ length: 432 }, () => rng() * 2 - 1), y.shape);
    const eps = 1e-2;
    const f = (t: Tensor4D): number => tf.tidy(() => tf.sum(reconstructionError(t, y, term)).dataSync()[0] ?? NaN);
    const analytic = tf.tidy(() => {
      const g = tf.grad((t: tf.Tensor) => tf.sum(reconstructionError(t as Tensor4D, y, term)))(x);
      return tf.sum(tf.mul(g, v)).dataSync()[0] ?? NaN;
    });
    const numeric = tf.tidy(() => (f(tf.add(x, tf.mul(v, eps))) - f(tf.sub(x, tf.mul(v, eps)))) / (2 * eps));
    expect(Math.abs(analytic - numeric)).toBeLessThan(0.02 * Math.abs(numeric) + 1e-3);
    tf.dispose([x, y, v]);
  });

  it.each(TERMS)('make the projection energy fall step by step and leak no tensor (%o)', async (term) => {
    const normals = Array.from({ length: 12 }, (_, i) => smoothNormal(16, 3, 40 + i, 0.05));
    const linear = createLinearAe(normals, 6);
    const model: Autoencoder = { config: { ...linear.config, reconstruction: term }, reconstruct: (x) => linear.reconstruct(x) };
    const x0 = withSquare(smoothNormal(16, 3, 90, 0.05), 5, 5, 5, 1).image;
    const before = tf.memory().numTensors;
    const run = await runProjection(model, x0, { alpha: 0.5, lambda: 0.01, iterations: 12, variant: 'weighted' });
    expect(tf.memory().numTensors).toBe(before);
    const first = run.energies[0] ?? NaN;
    const last = run.energies[run.energies.length - 1] ?? NaN;
    expect(last).toBeLessThan(0.9 * first);
    run.energies.slice(1).forEach((e, t) => expect(e).toBeLessThanOrEqual((run.energies[t] ?? NaN) * 1.001));
    linear.dispose();
  });
});
