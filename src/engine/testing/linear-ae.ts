/**
 * Test-only autoencoders with known behaviour, built from tf ops so that the projection can
 * differentiate through them exactly as through the VAE.
 *
 * - createLinearAe: f(x) = m + U U^T (x - m), the orthogonal projector onto the top principal
 *   subspace of a set of normal images: a perfect "normal manifold" for smooth test images.
 * - createSigmoidAe: f(x) = sigmoid((x - 0.5) W + b) with a random W, a small nonlinear map
 *   whose Jacobian is far from the identity, for gradient checks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { mulberry32, normal } from '../data/random';
import type { Autoencoder } from '../model/autoencoder';
import type { FloatImage, VaeConfig } from '../types';

export interface TestAutoencoder extends Autoencoder {
  dispose(): void;
}

function configFor(img: FloatImage, latent: number): VaeConfig {
  return { size: img.width, channels: img.channels, latent, width: 1 };
}

/** Mean image and the centred images (each a Float64Array of length D). */
function centre(images: FloatImage[]): { mean: Float64Array; rows: Float64Array[] } {
  const d = images[0]?.data.length ?? 0;
  const mean = new Float64Array(d);
  for (const img of images) for (let i = 0; i < d; i++) mean[i] = (mean[i] ?? 0) + (img.data[i] ?? 0) / images.length;
  const rows = images.map((img) => Float64Array.from(img.data, (v, i) => v - (mean[i] ?? 0)));
  return { mean, rows };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** Unit vector along v with the components along the (orthonormal) basis removed; null if ~0. */
function orthonormalise(v: Float64Array, basis: Float64Array[]): Float64Array | null {
  const out = v.slice();
  for (const u of basis) {
    const c = dot(out, u);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) - c * (u[i] ?? 0);
  }
  const norm = Math.sqrt(dot(out, out));
  return norm < 1e-9 ? null : out.map((x) => x / norm);
}

/**
 * Top-`rank` principal directions of the centred rows by power iteration with deflation
 * (Gram-Schmidt against the directions already found).
 */
function principalDirections(rows: Float64Array[], rank: number, iterations = 200): Float64Array[] {
  const basis: Float64Array[] = [];
  const d = rows[0]?.length ?? 0;
  const rng = mulberry32(7);
  for (let k = 0; k < rank; k++) {
    let u = orthonormalise(Float64Array.from({ length: d }, () => normal(rng)), basis);
    for (let it = 0; it < iterations && u !== null; it++) {
      const next = new Float64Array(d);
      for (const r of rows) {
        const c = dot(r, u);
        for (let i = 0; i < d; i++) next[i] = (next[i] ?? 0) + c * (r[i] ?? 0);
      }
      u = orthonormalise(next, basis);
    }
    if (u === null) break;
    basis.push(u);
  }
  return basis;
}

/** Linear projector onto the mean + top-`rank` principal subspace of `normals`. */
export function createLinearAe(normals: FloatImage[], rank: number): TestAutoencoder {
  const first = normals[0];
  if (first === undefined) throw new Error('createLinearAe needs normal images');
  const { mean, rows } = centre(normals);
  const dirs = principalDirections(rows, rank);
  const d = mean.length;
  const u = tf.tensor2d(Float32Array.from(dirs.flatMap((dir) => Array.from(dir))), [dirs.length, d]); // [k, D]
  const m = tf.tensor2d(Float32Array.from(mean), [1, d]);
  return {
    config: configFor(first, dirs.length),
    reconstruct: (x: Tensor4D): Tensor4D =>
      tf.tidy(() => {
        const flat = tf.sub<Tensor2D>(tf.reshape(x, [x.shape[0], d]), m);
        const coeffs = tf.matMul(flat, u, false, true); // [N, k]
        return tf.reshape(tf.add(tf.matMul(coeffs, u), m), x.shape);
      }),
    dispose: () => {
      u.dispose();
      m.dispose();
    },
  };
}

/** f(x) = sigmoid((x - 0.5) W + b), W entries N(0, scale^2 / D), b N(0, 0.25), for config's size. */
export function createSigmoidAe(config: VaeConfig, seed: number, scale = 2): TestAutoencoder {
  const d = config.size * config.size * config.channels;
  const rng = mulberry32(seed);
  const w = tf.tensor2d(Float32Array.from({ length: d * d }, () => (normal(rng) * scale) / Math.sqrt(d)), [d, d]);
  const b = tf.tensor2d(Float32Array.from({ length: d }, () => normal(rng) * 0.5), [1, d]);
  return {
    config,
    reconstruct: (x: Tensor4D): Tensor4D =>
      tf.tidy(() => {
        const flat = tf.sub<Tensor2D>(tf.reshape(x, [x.shape[0], d]), 0.5);
        return tf.reshape(tf.sigmoid(tf.add(tf.matMul(flat, w), b)), x.shape);
      }),
    dispose: () => {
      w.dispose();
      b.dispose();
    },
  };
}
