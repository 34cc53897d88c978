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
function remap(v: ImageView, src: Source): void {
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

type Source = (x: number, y: number) => number;

/** The source pixel of each pixel (x, y) of a size x size image, per operation. */
const flipHSource = (size: number): Source => (x, y) => y * size + (size - 1 - x);
const flipVSource = (size: number): Source => (x, y) => (size - 1 - y) * size + x;
const rot90Source = (size: number): Source => (x, y) => x * size + (size - 1 - y);

export function flipH(v: ImageView): void {
  remap(v, flipHSource(v.size));
}

export function flipV(v: ImageView): void {
  remap(v, flipVSource(v.size));
}

/** Rotation by 90 degrees counter-clockwise (the image is square, so the shape is unchanged). */
export function rot90(v: ImageView): void {
  remap(v, rot90Source(v.size));
}

/** Circular shift by (dx, dy): what leaves one edge comes back at the other. */
export function shiftWrap(v: ImageView, dx: number, dy: number): void {
  const n = v.size;
  const mod = (a: number): number => ((a % n) + n) % n;
  remap(v, (x, y) => mod(y - dy) * n + mod(x - dx));
}

/**
 * For each pixel of a size x size image, the pixel it takes after flipH (if `h`), flipV (if `v`)
 * and k rotations by 90 degrees, in that order: one of the square's 8 symmetries as one table,
 * so an image is rewritten in one pass instead of one per operation. Kept per size and symmetry.
 */
const symmetryTables = new Map<string, Int32Array>();
function symmetrySource(size: number, h: boolean, v: boolean, k: number): Int32Array {
  const key = `${size} ${h ? 1 : 0}${v ? 1 : 0}${k}`;
  let table = symmetryTables.get(key);
  if (table !== undefined) return table;
  // Composed in the operations' order: after an operation whose source is s, the pixel p takes
  // what the pixel s(p) took before it.
  const ops: Source[] = [];
  if (h) ops.push(flipHSource(size));
  if (v) ops.push(flipVSource(size));
  for (let r = 0; r < k; r++) ops.push(rot90Source(size));
  table = Int32Array.from({ length: size * size }, (_, p) => p);
  for (const op of ops) {
    const before: Int32Array = table;
    table = Int32Array.from({ length: size * size }, (_, p) => before[op(p % size, Math.floor(p / size))] as number);
  }
  symmetryTables.set(key, table);
  return table;
}

/** Rewrites the image by a table of source pixels (symmetrySource). */
function gather(v: ImageView, source: Int32Array): void {
  const { data, offset, size, channels: c, scratch } = v;
  const len = size * size * c;
  scratch.set(data.subarray(offset, offset + len));
  for (let p = 0, d = offset; p < source.length; p++) {
    const s = (source[p] as number) * c;
    for (let ch = 0; ch < c; ch++) data[d++] = scratch[s + ch] as number;
  }
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
  /** Room for one image, reused from call to call where given. */
  scratch: Float32Array = new Float32Array(size * size * channels),
): void {
  const len = size * size * channels;
  if (batch.length < n * len) {
    throw new EngineError('invalid-argument', `Batch holds ${batch.length} values, expected at least ${n} x ${len}.`);
  }
  if (scratch.length < len) throw new EngineError('invalid-argument', `The scratch holds ${scratch.length} values, expected at least ${len}.`);
  for (let i = 0; i < n; i++) {
    const v = batchView(batch, i, size, channels, scratch);
    // Drawn in this order whatever is on, so that a seed gives the same batches.
    const h = cfg.flips && rng() < 0.5;
    const vertical = cfg.flips && rng() < 0.5;
    const k = cfg.rot90 ? randInt(rng, 0, 4) : 0;
    if (h || vertical || k > 0) gather(v, symmetrySource(size, h, vertical, k));
    const m = Math.max(0, Math.floor(cfg.maxShift));
    if (m > 0) shiftWrap(v, randInt(rng, -m, m + 1), randInt(rng, -m, m + 1));
  }
}

/**
 * Stacks images of one shape into an NHWC Float32Array: `into` where it has exactly their size
 * (a training loop's batch, reused: a large allocation costs a millisecond or more in a browser),
 * else a new one; throws 'invalid-argument' on mixed shapes.
 */
export function stackImages(imgs: FloatImage[], into?: Float32Array): Float32Array {
  const first = imgs[0];
  if (first === undefined) return new Float32Array(0);
  const len = first.width * first.height * first.channels;
  const out = into?.length === imgs.length * len ? into : new Float32Array(imgs.length * len);
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
