/**
 * Training-time augmentation for textures: flips, rotations by 90 degrees and wrap-around shifts,
 * applied in place to a stacked NHWC batch. None of these changes the distribution of a
 * stationary texture, which is why they are safe for normal-only training.
 */
import { EngineError } from '../errors';
import type { AugmentConfig, Channels, FloatImage } from '../types';
import { randInt } from './random';

/** One square image inside a batch: data[offset .. offset + size * size * channels). */
export interface ImageView {
  data: Float32Array;
  offset: number;
  size: number;
  channels: number;
  scratch: Float32Array;
}

/**
 * Rewrites the image so that dest (x, y) takes the value at src(x, y). Goes through the scratch
 * buffer because the source pixels are overwritten.
 */
function remap(v: ImageView, src: (x: number, y: number) => number): void {
  const { data, offset, size, channels: c, scratch } = v;
  const len = size * size * c;
  scratch.set(data.subarray(offset, offset + len));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = src(x, y) * c;
      const d = offset + (y * size + x) * c;
      for (let ch = 0; ch < c; ch++) data[d + ch] = scratch[s + ch] as number;
    }
  }
}

export function flipH(v: ImageView): void {
  remap(v, (x, y) => y * v.size + (v.size - 1 - x));
}

export function flipV(v: ImageView): void {
  remap(v, (x, y) => (v.size - 1 - y) * v.size + x);
}

/** Rotation by 90 degrees counter-clockwise (the image is square, so the shape is unchanged). */
export function rot90(v: ImageView): void {
  remap(v, (x, y) => x * v.size + (v.size - 1 - y));
}

/** Circular shift by (dx, dy): what leaves one edge comes back at the other. */
export function shiftWrap(v: ImageView, dx: number, dy: number): void {
  const n = v.size;
  const mod = (a: number): number => ((a % n) + n) % n;
  remap(v, (x, y) => mod(y - dy) * n + mod(x - dx));
}

/** A view on image i of a stacked batch, for the single-image operations above. */
export function batchView(batch: Float32Array, i: number, size: number, channels: Channels, scratch?: Float32Array): ImageView {
  const len = size * size * channels;
  return { data: batch, offset: i * len, size, channels, scratch: scratch ?? new Float32Array(len) };
}

/**
 * Augments n size x size x channels images of a stacked NHWC batch in place: with `flips`, each
 * image is flipped horizontally and vertically with probability 1/2 each; with `rot90`, rotated by
 * a uniform multiple of 90 degrees; with maxShift > 0, shifted (wrap-around) by integers dx, dy
 * uniform in [-maxShift, maxShift]. Draws from rng in a fixed order, so a seed reproduces a batch.
 */
export function augmentInto(
  batch: Float32Array,
  n: number,
  size: number,
  channels: Channels,
  cfg: AugmentConfig,
  rng: () => number,
): void {
  const len = size * size * channels;
  if (batch.length < n * len) {
    throw new EngineError('invalid-argument', `Batch holds ${batch.length} values, expected at least ${n} x ${len}.`);
  }
  const scratch = new Float32Array(len);
  for (let i = 0; i < n; i++) {
    const v = batchView(batch, i, size, channels, scratch);
    if (cfg.flips) {
      if (rng() < 0.5) flipH(v);
      if (rng() < 0.5) flipV(v);
    }
    if (cfg.rot90) {
      const k = randInt(rng, 0, 4);
      for (let r = 0; r < k; r++) rot90(v);
    }
    const m = Math.max(0, Math.floor(cfg.maxShift));
    if (m > 0) shiftWrap(v, randInt(rng, -m, m + 1), randInt(rng, -m, m + 1));
  }
}

/** Stacks images of one shape into an NHWC Float32Array; throws 'invalid-argument' on mixed shapes. */
export function stackImages(imgs: FloatImage[]): Float32Array {
  const first = imgs[0];
  if (first === undefined) return new Float32Array(0);
  const len = first.width * first.height * first.channels;
  const out = new Float32Array(imgs.length * len);
  imgs.forEach((img, i) => {
    if (img.width !== first.width || img.height !== first.height || img.channels !== first.channels) {
      throw new EngineError(
        'invalid-argument',
        `Image ${i} is ${img.width} x ${img.height} x ${img.channels}, expected ${first.width} x ${first.height} x ${first.channels}.`,
      );
    }
    out.set(img.data, i * len);
  });
  return out;
}
