/**
 * Image files -> PixelImage for the eval and inspect CLIs (Node only). The format is detected from
 * the first bytes, never from the extension, so a renamed PDF is refused with a clear message.
 * TIFF goes through the worker's own TIFF code, so both read the same pixels.
 */
import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { EngineError, errorMessage, isEngineError } from '../engine/errors';
import { MAX_PIXELS, validatePixelImage } from '../engine/data/image';
import type { PixelImage } from '../engine/types';
import { tiffVersion } from '../worker/dataset/header-size';
import { decodeTiff } from '../worker/dataset/tiff';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

export type ImageFormat = 'png' | 'jpeg' | 'tiff';

function startsWith(buf: Uint8Array, magic: number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

/** 'png', 'jpeg' or 'tiff' (BigTIFF too, to be refused by name) from the magic bytes, null for anything else. */
export function sniffFormat(buf: Uint8Array): ImageFormat | null {
  if (startsWith(buf, PNG_MAGIC)) return 'png';
  if (startsWith(buf, JPEG_MAGIC)) return 'jpeg';
  const tiff = tiffVersion(buf)?.version;
  if (tiff === 42 || tiff === 43) return 'tiff';
  return null;
}

function tooLarge(name: string, width: number, height: number): EngineError {
  return new EngineError('image-too-large', `${name}: ${width} x ${height} pixels is over the ${MAX_PIXELS / 1e6} megapixel limit.`);
}

/** Refuses a huge PNG from its header (IHDR width and height) before inflating it. */
function checkPngHeader(buf: Uint8Array, name: string): void {
  if (buf.length < 24) throw new EngineError('bad-image', `${name}: truncated PNG (${buf.length} bytes, no complete header).`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width * height > MAX_PIXELS) throw tooLarge(name, width, height);
}

/**
 * pngjs always hands back 8-bit RGBA (16-bit samples rescaled, palettes expanded, tRNS applied);
 * keep only the channels the file really has: gray or colour, with alpha when it has any.
 */
function decodePng(buf: Uint8Array, name: string): PixelImage {
  checkPngHeader(buf, name);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), { skipRescale: false });
  } catch (e) {
    throw new EngineError('bad-image', `${name}: corrupt or truncated PNG (${errorMessage(e)}).`, { cause: e });
  }
  const colour = png.color || png.palette;
  const channels = ((colour ? 3 : 1) + (png.alpha ? 1 : 0)) as PixelImage['channels'];
  const n = png.width * png.height;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      // Gray keeps R; the last channel is alpha when present.
      const src = png.alpha && c === channels - 1 ? 3 : colour ? c : 0;
      data[i * channels + c] = png.data[4 * i + src] as number;
    }
  }
  return { width: png.width, height: png.height, channels, data };
}

/** Drops to one channel when every pixel has R = G = B (what jpeg-js gives for gray JPEGs). */
function grayIfPossible(width: number, height: number, rgb: Uint8Array): PixelImage {
  const n = width * height;
  for (let i = 0; i < n; i++) {
    if (rgb[3 * i] !== rgb[3 * i + 1] || rgb[3 * i] !== rgb[3 * i + 2]) return { width, height, channels: 3, data: rgb };
  }
  const gray = new Uint8Array(n);
  for (let i = 0; i < n; i++) gray[i] = rgb[3 * i] as number;
  return { width, height, channels: 1, data: gray };
}

function decodeJpeg(buf: Uint8Array, name: string): PixelImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    const msg = errorMessage(e);
    if (/maxResolutionInMP/.test(msg)) {
      throw new EngineError('image-too-large', `${name}: over the ${MAX_PIXELS / 1e6} megapixel limit.`, { cause: e });
    }
    throw new EngineError('bad-image', `${name}: corrupt or truncated JPEG (${msg}).`, { cause: e });
  }
  if (img.width < 1 || img.height < 1 || img.data.length !== img.width * img.height * 3) {
    throw new EngineError('bad-image', `${name}: JPEG decoded to no usable pixels.`);
  }
  return grayIfPossible(img.width, img.height, img.data);
}

/** The first page of a TIFF (8 or 16-bit gray, gray + alpha, RGB, RGBA), with its channels kept. */
function decodeTiffFile(buf: Uint8Array, name: string): PixelImage {
  try {
    const { width, height, channels, data } = decodeTiff(buf, (w, h) => {
      if (w * h > MAX_PIXELS) throw tooLarge(name, w, h);
    });
    return { width, height, channels, data };
  } catch (e) {
    if (isEngineError(e, 'image-too-large')) throw e;
    throw new EngineError(isEngineError(e) ? e.code : 'bad-image', `${name}: ${errorMessage(e)}.`, { cause: e });
  }
}

/** Decodes PNG (1 to 16 bit, gray, gray + alpha, RGB, RGBA, palette), JPEG (gray or colour) or TIFF bytes. */
export function decodeImageBuffer(buf: Uint8Array, name: string): PixelImage {
  if (buf.length === 0) throw new EngineError('bad-image', `${name}: empty file (0 bytes).`);
  const format = sniffFormat(buf);
  if (format === null) {
    const head = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new EngineError('bad-image', `${name}: not a PNG, JPEG or TIFF image (file starts with bytes ${head}).`);
  }
  const img = format === 'png' ? decodePng(buf, name) : format === 'jpeg' ? decodeJpeg(buf, name) : decodeTiffFile(buf, name);
  try {
    validatePixelImage(img);
  } catch (e) {
    throw new EngineError(isEngineError(e) ? e.code : 'bad-image', `${name}: ${errorMessage(e)}`, { cause: e });
  }
  return img;
}

/** Reads and decodes one image file; every failure is an EngineError naming the file. */
export async function decodeImageFile(path: string): Promise<PixelImage> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new EngineError('bad-image', `${path}: cannot read file (${errorMessage(e)}).`, { cause: e });
  }
  return decodeImageBuffer(buf, path);
}
