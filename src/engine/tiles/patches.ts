/** Training data of patch mode: random P x P crops of the normal images at the training scale. */
import { resizeFloat } from '../data/image';
import { EngineError } from '../errors';
import type { FloatImage } from '../types';

/** The image scaled by `scale` (1, 1/2, 1/4, ...), area-averaged; at least 1 px a side. */
export function atScale(img: FloatImage, scale: number): FloatImage {
  if (!(scale > 0 && scale <= 1)) throw new EngineError('invalid-argument', `The patch scale must be in (0, 1] (got ${scale}).`);
  if (scale === 1) return img;
  return resizeFloat(img, Math.max(1, Math.round(img.width * scale)), Math.max(1, Math.round(img.height * scale)));
}

/** One P x P crop at (x, y), no resampling. */
export function cropAt(img: FloatImage, x: number, y: number, side: number): FloatImage {
  const c = img.channels;
  const data = new Float32Array(side * side * c);
  for (let r = 0; r < side; r++) {
    const from = ((y + r) * img.width + x) * c;
    data.set(img.data.subarray(from, from + side * c), r * side * c);
  }
  return { width: side, height: side, channels: c, data };
}

/**
 * `count` crops of side P, spread over the images in turn (image i % n), each at a uniform
 * position; the images must be at least P x P (fitForTiles scales smaller ones up).
 */
export function randomPatches(images: FloatImage[], side: number, count: number, rng: () => number): FloatImage[] {
  if (images.length === 0) throw new EngineError('empty-dataset', 'There are no images to take patches from.');
  for (const img of images) {
    if (img.width < side || img.height < side) {
      throw new EngineError('invalid-argument', `A ${img.width}x${img.height} image is smaller than one ${side}x${side} patch.`);
    }
  }
  return Array.from({ length: count }, (_, i) => {
    const img = images[i % images.length]!;
    const x = Math.floor(rng() * (img.width - side + 1));
    const y = Math.floor(rng() * (img.height - side + 1));
    return cropAt(img, x, y, side);
  });
}
