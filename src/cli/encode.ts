/** PNG encoding for the eval CLI and tests (Node only, pngjs). */
import { PNG } from 'pngjs';
import type { ColorType } from 'pngjs';
import { EngineError } from '../engine/errors';
import type { FloatImage, Mask, PixelImage } from '../engine/types';

/** PNG colour type for 1 (gray), 2 (gray + alpha), 3 (RGB) and 4 (RGBA) channels. */
const COLOR_TYPE: Record<1 | 2 | 3 | 4, ColorType> = { 1: 0, 2: 4, 3: 2, 4: 6 };

function toBytes(img: PixelImage | FloatImage): ArrayLike<number> {
  if (!(img.data instanceof Float32Array)) return img.data;
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, img.data[i] as number)) * 255);
  return out;
}

/**
 * An 8-bit PNG of a decoded image, or of a float image in [0, 1] (rounded to 0..255), keeping its
 * channel layout (gray stays gray, alpha stays alpha).
 */
export function encodePng(img: PixelImage | FloatImage): Buffer {
  const { width, height, channels } = img;
  const bytes = toBytes(img);
  if (bytes.length !== width * height * channels) {
    throw new EngineError('bad-image', `Cannot encode: ${bytes.length} values for ${width} x ${height} x ${channels}.`);
  }
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    const gray = channels <= 2;
    rgba[4 * i] = bytes[p] as number;
    rgba[4 * i + 1] = bytes[gray ? p : p + 1] as number;
    rgba[4 * i + 2] = bytes[gray ? p : p + 2] as number;
    rgba[4 * i + 3] = channels === 2 || channels === 4 ? (bytes[p + channels - 1] as number) : 255;
  }
  const png = new PNG({ width, height });
  png.data = rgba;
  // pngjs packs from RGBA input into the requested colour type.
  return PNG.sync.write(png, { colorType: COLOR_TYPE[channels], inputColorType: 6, inputHasAlpha: true });
}

/** A mask as a gray PNG, 255 = anomalous, as in MVTec AD ground truth. */
export function encodeMaskPng(mask: Mask): Buffer {
  const data = new Uint8Array(mask.data.length);
  for (let i = 0; i < data.length; i++) data[i] = mask.data[i] ? 255 : 0;
  return encodePng({ width: mask.width, height: mask.height, channels: 1, data });
}
