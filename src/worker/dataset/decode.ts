/**
 * Decoding dropped files in the worker, so a large photo never blocks the page:
 * createImageBitmap decodes (with EXIF orientation applied), an OffscreenCanvas reads the
 * pixels back at a capped size. TIFF, which browsers cannot decode, is decoded by tiff.ts and
 * then takes the same bitmap -> canvas path, so stored pixels and thumbnails are made alike.
 * Files are sniffed first (sniff.ts): empty, non-image, truncated and over-limit files are
 * refused with a reason before any decoding. Works under lib "webworker" and "dom" alike.
 */
import { MAX_PIXELS } from '../../engine/data/image';
import { EngineError } from '../../engine/errors';
import type { PixelImage } from '../../engine/types';
import type { RgbaImage } from '../protocol';
import { HEAD_BYTES, sniff, type SniffedFormat, TAIL_BYTES } from './sniff';

/** Longest side kept of a decoded image: the largest working size, so any size can be trained later. */
export const MAX_STORED_SIDE = 256;
/** Longest side of a thumbnail. */
export const THUMB_SIDE = 64;

export interface Decoded {
  /** Size of the original file's image. */
  width: number;
  height: number;
  /** RGBA, longest side at most MAX_STORED_SIDE. */
  pixels: PixelImage;
  thumb: RgbaImage;
  /** Something the person should know about how the file was read (e.g. one page of several). */
  note?: string;
}

export function fitInside(width: number, height: number, max: number): { width: number; height: number } {
  const s = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

function readPixels(src: ImageBitmap, width: number, height: number): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new EngineError('backend-failed', 'This browser cannot read pixels in a worker (no 2D OffscreenCanvas).');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(src, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

async function bytes(blob: Blob, from: number, to: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(from, to).arrayBuffer());
}

/** Refuses what is not a complete image of an allowed size, before decoding a single pixel. */
export async function checkFile(blob: Blob): Promise<SniffedFormat> {
  const head = await bytes(blob, 0, HEAD_BYTES);
  const tail = await bytes(blob, Math.max(0, blob.size - TAIL_BYTES), blob.size);
  const s = sniff(head, tail, blob.size);
  if (s.kind === 'empty') throw new EngineError('bad-image', 'the file is empty (0 bytes)');
  if (s.kind === 'other') throw new EngineError('bad-image', `${s.what}, not an image`);
  if (s.kind === 'unsupported') throw new EngineError('bad-image', s.reason);
  if (!s.complete) throw new EngineError('bad-image', `the ${s.format.toUpperCase()} file is cut short (truncated); copy it again from its source`);
  if (s.width !== null && s.height !== null) checkPixels(s.width, s.height);
  return s.format;
}

function checkPixels(width: number, height: number): void {
  if (width * height > MAX_PIXELS) {
    throw new EngineError(
      'image-too-large',
      `${width} x ${height} pixels is above the limit of ${MAX_PIXELS / 1e6} megapixels; downscale it first (the model works at 256 px at most)`,
    );
  }
}

/**
 * The first page, checked again for its size: the header may lie past the bytes sniffed. The
 * TIFF decoder (about 47 kB gzipped with its inflate) is loaded with the first TIFF only.
 */
async function openTiff(blob: Blob): Promise<{ bmp: ImageBitmap; note?: string }> {
  const { decodeTiff, tiffNote, toRgba } = await import('./tiff');
  const img = decodeTiff(new Uint8Array(await blob.arrayBuffer()), checkPixels);
  const bmp = await createImageBitmap(new ImageData(toRgba(img), img.width, img.height), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  return { bmp, note: tiffNote(img) };
}

async function openBitmap(blob: Blob): Promise<{ bmp: ImageBitmap; note?: string }> {
  if ((await checkFile(blob)) === 'tiff') return openTiff(blob);
  try {
    // 'from-image' applies a JPEG's EXIF orientation, so a rotated photo is stored upright.
    return { bmp: await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' }) };
  } catch (e) {
    throw new EngineError('bad-image', 'the image data is damaged: this browser could not decode it', { cause: e });
  }
}

export async function decodeImage(blob: Blob): Promise<Decoded> {
  const { bmp, note } = await openBitmap(blob);
  try {
    const { width, height } = bmp;
    checkPixels(width, height);
    const stored = fitInside(width, height, MAX_STORED_SIDE);
    const small = fitInside(width, height, THUMB_SIDE);
    const pixels: PixelImage = { width: stored.width, height: stored.height, channels: 4, data: readPixels(bmp, stored.width, stored.height) };
    const thumb: RgbaImage = { width: small.width, height: small.height, data: readPixels(bmp, small.width, small.height) };
    return { width, height, pixels, thumb, ...(note === undefined ? {} : { note }) };
  } finally {
    bmp.close();
  }
}

/**
 * The file decoded again at width x height (patch mode's scale): only those pixels are read
 * out, so a 12 MP photo at 1/4 costs its 0.75 MP, not the full image, beyond the browser's bitmap.
 */
export async function decodeAt(blob: Blob, width: number, height: number): Promise<PixelImage> {
  const { bmp } = await openBitmap(blob);
  try {
    return { width, height, channels: 4, data: readPixels(bmp, width, height) };
  } finally {
    bmp.close();
  }
}

/** FNV-1a over the stored pixels and size: equal hashes mean the same picture (a duplicate). */
export function pixelHash(img: { width: number; height: number; data: ArrayLike<number> }): string {
  let h = 0x811c9dc5 ^ img.width ^ (img.height << 16);
  const d = img.data;
  for (let i = 0; i < d.length; i++) {
    h ^= d[i] ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  return `${img.width}x${img.height}:${(h >>> 0).toString(16)}`;
}
