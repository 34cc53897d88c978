/**
 * Seeded square crops of source photographs. Each source is split by a vertical line: training
 * crops lie wholly in the left part (TRAIN_FRACTION of the width), test crops wholly in the right
 * part, so no test pixel was ever seen in training.
 */
import { EngineError } from '../../engine/errors';
import { randInt } from '../../engine/data/random';
import type { FloatImage, PixelImage } from '../../engine/types';

export const TRAIN_FRACTION = 0.6;

export type Split = 'train' | 'test';

/** Columns [x0, x1) of a source of width `width` that crops of a split may use. */
export function splitColumns(width: number, split: Split): { x0: number; x1: number } {
  const cut = Math.floor(width * TRAIN_FRACTION);
  return split === 'train' ? { x0: 0, x1: cut } : { x0: cut, x1: width };
}

/** A source as RGB floats in [0, 1] (gray replicated, alpha dropped); values stay multiples of 1/255. */
export function toFloatRgb(img: PixelImage): FloatImage {
  const n = img.width * img.height;
  const data = new Float32Array(n * 3);
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) data[3 * i + ch] = (img.data[i * c + (c >= 3 ? ch : 0)] as number) / 255;
  }
  return { width: img.width, height: img.height, channels: 3, data };
}

/** Checks that every source leaves room for a size x size crop in both splits. */
export function checkCropSize(sources: readonly FloatImage[], size: number, what: string): void {
  for (const [k, s] of sources.entries()) {
    const free = Math.min(s.height, ...(['train', 'test'] as const).map((sp) => {
      const { x0, x1 } = splitColumns(s.width, sp);
      return x1 - x0;
    }));
    if (size > free) {
      throw new EngineError('invalid-argument', `${what} source ${k} (${s.width} x ${s.height}) leaves only ${free} px per split; crop size ${size} is too large.`);
    }
  }
}

export interface Crop {
  image: FloatImage;
  /** Index of the source, and the crop's top-left corner in it. */
  source: number;
  x: number;
  y: number;
}

/** One size x size crop of a random source, inside the split's columns. */
export function randomCrop(sources: readonly FloatImage[], split: Split, size: number, rng: () => number): Crop {
  const source = randInt(rng, 0, sources.length);
  const src = sources[source] as FloatImage;
  const { x0, x1 } = splitColumns(src.width, split);
  const x = randInt(rng, x0, x1 - size + 1);
  const y = randInt(rng, 0, src.height - size + 1);
  const data = new Float32Array(size * size * 3);
  for (let row = 0; row < size; row++) {
    const from = ((y + row) * src.width + x) * 3;
    data.set(src.data.subarray(from, from + size * 3), row * size * 3);
  }
  return { image: { width: size, height: size, channels: 3, data }, source, x, y };
}
