/**
 * Test-only synthetic images with a known normal manifold: a smooth pattern is 0.5 plus a
 * random combination of 8 low-frequency waves, so it lies exactly in an 8-dimensional affine
 * subspace; optional fine texture (uniform noise) lies off it, as the detail a VAE's blurry
 * reconstruction misses. A defect is a bright square with its exact mask.
 */
import { mulberry32 } from '../data/random';
import type { Channels, FloatImage, Mask } from '../types';

/** The 8 low-frequency waves (cos and sin of 1 and 2 cycles along x and along y), per pixel. */
export function smoothBasis(size: number): Float32Array[] {
  const waves: Float32Array[] = [];
  for (const alongX of [true, false]) {
    for (const cycles of [1, 2]) {
      for (const phase of [0, Math.PI / 2]) {
        const b = new Float32Array(size * size);
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            b[y * size + x] = Math.cos((2 * Math.PI * cycles * (alongX ? x : y)) / size + phase);
          }
        }
        waves.push(b);
      }
    }
  }
  return waves;
}

/**
 * A normal image: 0.5 + sum c_i wave_i with c_i uniform in [-0.08, 0.08] (stays inside [0, 1]),
 * the same in every channel, plus uniform texture noise in [-texture, texture].
 */
export function smoothNormal(size: number, channels: Channels, seed: number, texture = 0): FloatImage {
  const rng = mulberry32(seed);
  const base = new Float32Array(size * size).fill(0.5);
  for (const wave of smoothBasis(size)) {
    const c = (rng() * 2 - 1) * 0.08;
    for (let p = 0; p < base.length; p++) base[p] = (base[p] ?? 0) + c * (wave[p] ?? 0);
  }
  const data = new Float32Array(size * size * channels);
  for (let i = 0; i < data.length; i++) {
    const v = (base[Math.floor(i / channels)] ?? 0) + (rng() * 2 - 1) * texture;
    data[i] = Math.min(1, Math.max(0, v));
  }
  return { width: size, height: size, channels, data };
}

/** A copy of img with a side x side square of `value` at (left, top), and its mask. */
export function withSquare(
  img: FloatImage,
  left: number,
  top: number,
  side: number,
  value = 1,
): { image: FloatImage; mask: Mask } {
  const data = img.data.slice();
  const mask = new Uint8Array(img.width * img.height);
  for (let y = top; y < Math.min(img.height, top + side); y++) {
    for (let x = left; x < Math.min(img.width, left + side); x++) {
      mask[y * img.width + x] = 1;
      for (let k = 0; k < img.channels; k++) data[(y * img.width + x) * img.channels + k] = value;
    }
  }
  return { image: { ...img, data }, mask: { width: img.width, height: img.height, data: mask } };
}

/** Mean |a - b| over the pixels where mask === inside (all channels). */
export function meanAbsDiff(a: FloatImage, b: FloatImage, mask: Mask, inside: boolean): number {
  let sum = 0;
  let n = 0;
  for (let p = 0; p < mask.data.length; p++) {
    if ((mask.data[p] === 1) !== inside) continue;
    for (let k = 0; k < a.channels; k++) {
      const i = p * a.channels + k;
      sum += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
      n++;
    }
  }
  return sum / n;
}
