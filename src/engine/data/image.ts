/**
 * Decoded pixels -> working float images. All conversions are plain typed-array code (no tf), so
 * they run the same in a worker, in Node and on every backend.
 */
import { EngineError } from '../errors';
import type { Channels, FloatImage, Mask, PixelImage } from '../types';
import { randInt, randRange } from './random';
import { resampleRows } from './resample';

/**
 * Largest accepted image, in pixels (40 megapixels, about a 7300 x 5500 photo). Larger inputs are
 * refused with 'image-too-large' before any big allocation: a decoded RGBA image of that size is
 * already 160 MB.
 */
export const MAX_PIXELS = 40_000_000;

/** Rec.601 luma weights (what most tools use for RGB -> gray). */
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

export type Fit = 'resize' | 'crop';

/** Throws 'bad-image' when dimensions or data length do not match, 'image-too-large' above MAX_PIXELS. */
export function validatePixelImage(img: PixelImage): void {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EngineError('bad-image', `Image has invalid dimensions ${width} x ${height}.`);
  }
  if (![1, 2, 3, 4].includes(channels)) {
    throw new EngineError('bad-image', `Image has an unsupported channel count (${channels}).`);
  }
  if (width * height > MAX_PIXELS) {
    throw new EngineError(
      'image-too-large',
      `Image is ${width} x ${height} pixels; the limit is ${MAX_PIXELS / 1e6} megapixels.`,
    );
  }
  if (data.length !== width * height * channels) {
    throw new EngineError(
      'bad-image',
      `Image data has ${data.length} values, expected ${width} x ${height} x ${channels} = ${width * height * channels}.`,
    );
  }
}

function checkSize(size: number, what: string): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new EngineError('invalid-argument', `${what} must be a positive integer, got ${size}.`);
  }
}

/** Reads pixel row y (columns x0 .. x0 + out.length / c) as floats in [0, 1], alpha composited on white. */
function pixelRowReader(img: PixelImage, x0: number, y0: number, c: Channels) {
  const src = img.channels;
  const data = img.data;
  return (y: number, out: Float32Array): void => {
    const w = out.length / c;
    let p = ((y0 + y) * img.width + x0) * src;
    for (let x = 0; x < w; x++, p += src) {
      let r: number;
      let g: number;
      let b: number;
      if (src <= 2) {
        r = g = b = data[p] as number;
      } else {
        r = data[p] as number;
        g = data[p + 1] as number;
        b = data[p + 2] as number;
      }
      if (src === 2 || src === 4) {
        // Transparent regions become white, as they look in a browser on a white page.
        const a = (data[p + src - 1] as number) / 255;
        r = r * a + 255 * (1 - a);
        g = g * a + 255 * (1 - a);
        b = b * a + 255 * (1 - a);
      }
      if (c === 1) {
        // Exact gray stays exact (the luma weights sum to 1 only up to rounding).
        out[x] = (r === g && g === b ? r : LUMA_R * r + LUMA_G * g + LUMA_B * b) / 255;
      } else {
        out[3 * x] = r / 255;
        out[3 * x + 1] = g / 255;
        out[3 * x + 2] = b / 255;
      }
    }
  };
}

/** The centred square of a w x h image as [x0, y0, width, height]. */
type Box = [x0: number, y0: number, width: number, height: number];

function centredSquare(w: number, h: number): Box {
  const side = Math.min(w, h);
  return [Math.floor((w - side) / 2), Math.floor((h - side) / 2), side, side];
}

/**
 * Decoded pixels -> a size x size working image with `channels` channels.
 * Alpha is composited on white; RGB -> gray uses Rec.601 luma; gray -> RGB replicates.
 * fit 'resize' (default) squashes the whole image to a square; 'crop' takes the centred square
 * (side min(w, h)) first, keeping the aspect ratio. Downscaling is an area average, upscaling bilinear.
 */
export function toFloatImage(img: PixelImage, opts: { size: number; channels: Channels; fit?: Fit }): FloatImage {
  validatePixelImage(img);
  checkSize(opts.size, 'size');
  const c = opts.channels;
  const box: Box = opts.fit === 'crop' ? centredSquare(img.width, img.height) : [0, 0, img.width, img.height];
  const [x0, y0, w, h] = box;
  const data = resampleRows(pixelRowReader(img, x0, y0, c), w, h, c, opts.size, opts.size);
  return { width: opts.size, height: opts.size, channels: c, data };
}

/**
 * Channels a dataset should use: 1 if every image is gray (1 or 2 channels, or R = G = B at every
 * pixel that is not fully transparent), else 3. An empty list counts as gray (every one of zero
 * images is gray).
 */
export function detectChannels(imgs: PixelImage[]): Channels {
  return imgs.every(isGray) ? 1 : 3;
}

function isGray(img: PixelImage): boolean {
  if (img.channels <= 2) return true;
  const { data, channels } = img;
  for (let p = 0; p < data.length; p += channels) {
    // A fully transparent pixel becomes white whatever its colour.
    if (channels === 4 && data[p + 3] === 0) continue;
    if (data[p] !== data[p + 1] || data[p] !== data[p + 2]) return false;
  }
  return true;
}

function cropResize(img: FloatImage, x0: number, y0: number, w: number, h: number, dw: number, dh: number): FloatImage {
  const c = img.channels;
  const readRow = (y: number, out: Float32Array): void => {
    const s = ((y0 + y) * img.width + x0) * c;
    out.set(img.data.subarray(s, s + w * c));
  };
  return { width: dw, height: dh, channels: c, data: resampleRows(readRow, w, h, c, dw, dh) };
}

/** Resize a float image (area average down, bilinear up, per axis). */
export function resizeFloat(img: FloatImage, width: number, height: number): FloatImage {
  checkSize(width, 'width');
  checkSize(height, 'height');
  return cropResize(img, 0, 0, img.width, img.height, width, height);
}

/**
 * A random square crop resized to size x size: the side is min(w, h) * U(0.5, 1) (rounded, at
 * least 1 pixel), the position uniform over the places it fits. For textures and large images
 * this adds scale and position variety while keeping at least half the field of view.
 */
export function randomCrop(img: FloatImage, size: number, rng: () => number): FloatImage {
  checkSize(size, 'size');
  const full = Math.min(img.width, img.height);
  const side = Math.max(1, Math.min(full, Math.round(full * randRange(rng, 0.5, 1))));
  const x0 = randInt(rng, 0, img.width - side + 1);
  const y0 = randInt(rng, 0, img.height - side + 1);
  return cropResize(img, x0, y0, side, side, size, size);
}

/** Decoded pixels -> a float image at their own size (no resampling), `channels` as toFloatImage makes them. */
export function pixelsToFloat(img: PixelImage, channels: Channels): FloatImage {
  validatePixelImage(img);
  // At its own size nothing is resampled: each row read straight into the output (a resample
  // with unit weights gave the same values 10 to 20 x slower: 0.6 s for a 12 MP photo).
  const { width, height } = img;
  const data = new Float32Array(width * height * channels);
  const readRow = pixelRowReader(img, 0, 0, channels);
  const row = width * channels;
  for (let y = 0; y < height; y++) readRow(y, data.subarray(y * row, (y + 1) * row));
  return { width, height, channels, data };
}

/**
 * A ground-truth mask image -> a binary Mask of width x height (nearest-neighbour resize, so no
 * new values appear at edges). A pixel is anomalous when its brightest colour channel, scaled by
 * alpha if present (transparent = normal), is above 127.
 */
export function maskFromPixels(img: PixelImage, width: number, height: number): Mask {
  validatePixelImage(img);
  checkSize(width, 'width');
  checkSize(height, 'height');
  const { channels: src, data } = img;
  const colour = src >= 3 ? 3 : 1;
  const hasAlpha = src === 2 || src === 4;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / width));
      const p = (sy * img.width + sx) * src;
      let v = 0;
      for (let ch = 0; ch < colour; ch++) v = Math.max(v, data[p + ch] as number);
      if (hasAlpha) v = (v * (data[p + src - 1] as number)) / 255;
      out[y * width + x] = v > 127 ? 1 : 0;
    }
  }
  return { width, height, data: out };
}

/** Nearest-neighbour resize of a mask to the map's size (masks come at the image's own size). */
export function resizeMask(mask: Mask, width: number, height: number): Mask {
  if (mask.width === width && mask.height === height) return mask;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width));
      data[y * width + x] = (mask.data[sy * mask.width + sx] ?? 0) > 0 ? 1 : 0;
    }
  }
  return { width, height, data };
}
