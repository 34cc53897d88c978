/**
 * Exact defect masks. A pixel is in the mask when some channel moved by more than the procedural
 * benchmark's DEFECT_EPSILON (about 5 gray levels), plus the pixels fully enclosed by such pixels
 * (so a blur smudge over a flat spot is one region, not a sieve). Every pixel outside the mask is
 * reset to the normal crop, and the result is rounded to 8 bits: the written PNG equals the normal
 * crop exactly outside the mask.
 */
import { DEFECT_EPSILON, MIN_DEFECT_PIXELS } from '../../engine/data/procedural';
import type { FloatImage, Mask } from '../../engine/types';
import type { DefectScale, RealDefect } from './defects';
import { REAL_PAINTERS, drawDefectSize } from './defects';

const MAX_ATTEMPTS = 16;

/** 1 where some channel differs by more than DEFECT_EPSILON. */
export function changedPixels(normal: FloatImage, image: FloatImage): Uint8Array {
  const c = image.channels;
  const out = new Uint8Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) {
    for (let ch = 0; ch < c; ch++) {
      if (Math.abs((image.data[i * c + ch] as number) - (normal.data[i * c + ch] as number)) > DEFECT_EPSILON) out[i] = 1;
    }
  }
  return out;
}

/** The mask plus every 0 pixel not 4-connected to the border through 0 pixels. */
export function fillHoles(mask: Uint8Array, width: number, height: number): Uint8Array {
  const outside = new Uint8Array(mask.length);
  const stack: number[] = [];
  const push = (x: number, y: number): void => {
    const i = y * width + x;
    if (mask[i] === 0 && outside[i] === 0) {
      outside[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < width; x++) {
    push(x, 0);
    push(x, height - 1);
  }
  for (let y = 0; y < height; y++) {
    push(0, y);
    push(width - 1, y);
  }
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % width;
    const y = (i - x) / width;
    if (x > 0) push(x - 1, y);
    if (x < width - 1) push(x + 1, y);
    if (y > 0) push(x, y - 1);
    if (y < height - 1) push(x, y + 1);
  }
  return outside.map((o) => 1 - o);
}

/** Mask of image against normal (see module doc); resets and rounds `image` in place. */
export function defectMask(normal: FloatImage, image: FloatImage): Mask {
  const { width, height, channels: c } = image;
  const data = fillHoles(changedPixels(normal, image), width, height);
  for (let i = 0; i < data.length; i++) {
    for (let ch = 0; ch < c; ch++) {
      const p = i * c + ch;
      const v = data[i] ? (image.data[p] as number) : (normal.data[p] as number);
      image.data[p] = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
    }
  }
  return { width, height, data };
}

function count(m: Mask): number {
  let n = 0;
  for (const v of m.data) n += v;
  return n;
}

/** Pixels a defect of size s should cover at least: a fraction of its nominal footprint. */
function minPixels(kind: RealDefect, s: number): number {
  const nominal = kind === 'scratch' || kind === 'crack' ? s : kind === 'foreign' ? s * s : (Math.PI * s * s) / 4;
  return Math.max(MIN_DEFECT_PIXELS, Math.round(0.25 * nominal));
}

export interface PaintedDefect {
  image: FloatImage;
  mask: Mask;
}

/**
 * `normal` (8-bit valued) with one defect of the kind and scale painted on it, and its exact mask.
 * Draws covering under a quarter of their nominal footprint are redrawn (the largest is kept).
 */
export function paintDefect(normal: FloatImage, kind: RealDefect, scale: DefectScale, rng: () => number, foreign: () => FloatImage): PaintedDefect {
  let best: PaintedDefect | null = null;
  let bestCount = -1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const image: FloatImage = { ...normal, data: normal.data.slice() };
    const s = drawDefectSize(normal.width, scale, rng);
    REAL_PAINTERS[kind](image, { rng, s, foreign });
    const mask = defectMask(normal, image);
    const found = count(mask);
    if (found > bestCount) [best, bestCount] = [{ image, mask }, found];
    if (found >= minPixels(kind, s)) break;
  }
  return best as PaintedDefect;
}
