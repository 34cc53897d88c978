/**
 * TIFF files -> 8-bit pixels, with utif2 (photopea's UTIF.js) doing the decompression. Browsers
 * cannot decode TIFF, so the worker (decode.ts) and the CLIs (cli/decode.ts) both come here.
 * The library's own RGBA conversion is not used: it drops gray + alpha and scales 16-bit gray by
 * 1/256; toPixels below reads what the file holds. First page only. Plain code: runs in Node too.
 */
import UTIF from 'utif2';
import { errorMessage, EngineError, isEngineError } from '../../engine/errors';
import type { PixelImage } from '../../engine/types';
import { BIGTIFF_REASON, tiffVersion } from './header-size';

type Ifd = ReturnType<typeof UTIF.decode>[number];

export interface TiffImage extends PixelImage {
  data: Uint8Array;
  /** Pages in the file (reduced-resolution previews not counted); only the first is decoded. */
  pages: number;
}

/** Compressions utif2 decodes and this app accepts (tested here), by TIFF number. */
const READABLE = new Set([1, 5, 8, 32946, 32773]);
const COMPRESSION_NAMES: Record<number, string> = {
  2: 'CCITT RLE', 3: 'CCITT Group 3', 4: 'CCITT Group 4', 6: 'old-style JPEG', 7: 'JPEG', 34712: 'JPEG 2000',
  34887: 'LERC', 34925: 'LZMA', 50000: 'Zstandard', 50001: 'WebP', 34892: 'lossy JPEG',
};
const PHOTOMETRIC_NAMES: Record<number, string> = { 3: 'palette', 4: 'transparency-mask', 5: 'CMYK', 6: 'YCbCr', 8: 'CIE L*a*b*', 32844: 'LogL', 32845: 'LogLuv' };
const SAVE_AS = 'save it as uncompressed, LZW or Deflate TIFF, or as PNG';

const bad = (reason: string, cause?: unknown): EngineError => new EngineError('bad-image', reason, { cause });
const unsupported = (what: string): EngineError => bad(`TIFF with ${what} is not supported; ${SAVE_AS}`);

/** Numeric values of a tag, or undefined when it is absent. */
function tag(ifd: Ifd, id: number): number[] | undefined {
  const v: unknown = ifd[`t${id}`];
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}
const first = (ifd: Ifd, id: number, fallback: number): number => tag(ifd, id)?.[0] ?? fallback;

/**
 * Offsets of the IFD chain, checked before the library walks it: its loop has no guard against a
 * pointer past the end or back to an earlier IFD, which would hang the worker.
 */
function ifdChain(bytes: Uint8Array): number[] {
  const order = tiffVersion(bytes);
  if (order?.version === 43) throw bad(BIGTIFF_REASON);
  if (order?.version !== 42) throw bad('not a TIFF file');
  if (bytes.length < 8) throw bad('the TIFF file is cut short (truncated); copy it again from its source');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  const seen = new Set<number>();
  let at = v.getUint32(4, order.littleEndian);
  while (at !== 0) {
    if (seen.has(at) || offsets.length >= 10_000) throw bad('the TIFF data is damaged (its pages point in a loop)');
    if (at + 2 > bytes.length || at + 6 + 12 * v.getUint16(at, order.littleEndian) > bytes.length) {
      throw bad('the TIFF file is cut short (truncated); copy it again from its source');
    }
    offsets.push(at);
    seen.add(at);
    at = v.getUint32(at + 2 + 12 * v.getUint16(at, order.littleEndian), order.littleEndian);
  }
  if (offsets.length === 0) throw bad('the TIFF file has no image in it');
  return offsets;
}

interface Layout {
  width: number;
  height: number;
  samples: number;
  bits: 8 | 16;
  gray: boolean;
  whiteIsZero: boolean;
  /** Index of the alpha sample, or -1; premultiplied when `associated`. */
  alpha: number;
  associated: boolean;
}

function readLayout(ifd: Ifd): Layout {
  const width = first(ifd, 256, 0);
  const height = first(ifd, 257, 0);
  if (width < 1 || height < 1) throw bad('the TIFF data is damaged (no image size in its first page)');
  const compression = first(ifd, 259, 1);
  if (!READABLE.has(compression)) unsupportedCompression(compression);
  if (first(ifd, 284, 1) !== 1) throw unsupported('separate colour planes (PlanarConfiguration 2)');
  const format = first(ifd, 339, 1);
  const bitList = tag(ifd, 258) ?? [1];
  const bits = bitList[0] ?? 1;
  if (format === 3) throw unsupported(`${bits}-bit floating-point samples`);
  if (format !== 1) throw unsupported('signed integer samples');
  if ((bits !== 8 && bits !== 16) || bitList.some((b) => b !== bits)) throw unsupported(`${bitList.join('/')}-bit samples (8 or 16 bits are read)`);
  if (first(ifd, 317, 1) > 2) throw unsupported('floating-point prediction');
  const photometric = first(ifd, 262, -1);
  const gray = photometric === 0 || photometric === 1;
  if (!gray && photometric !== 2) throw unsupported(`${PHOTOMETRIC_NAMES[photometric] ?? 'unknown'} colour (PhotometricInterpretation ${photometric})`);
  const samples = first(ifd, 277, bitList.length);
  const colour = gray ? 1 : 3;
  if (samples < colour) throw bad(`the TIFF data is damaged (${samples} samples per pixel for ${gray ? 'gray' : 'RGB'})`);
  // ExtraSamples: 1 = premultiplied alpha, 2 = straight alpha, 0 = something else (ignored).
  const extra = tag(ifd, 338) ?? [];
  const kind = extra.findIndex((e) => e === 1 || e === 2);
  const alpha = kind >= 0 && colour + kind < samples ? colour + kind : -1;
  return { width, height, samples, bits, gray, whiteIsZero: photometric === 0, alpha, associated: extra[kind] === 1 };
}

function unsupportedCompression(code: number): never {
  throw unsupported(`${COMPRESSION_NAMES[code] ?? 'unknown'} compression (${code})`);
}

/** Every strip or tile must lie inside the file: the library would read what is missing as black. */
function checkBlocks(ifd: Ifd, layout: Layout, fileLength: number): void {
  const tiled = tag(ifd, 322) !== undefined;
  const offsets = tag(ifd, tiled ? 324 : 273) ?? [];
  const counts = tag(ifd, tiled ? 325 : 279) ?? [];
  const rowBytes = (layout.width * layout.samples * layout.bits) / 8;
  const rows = Math.min(first(ifd, 278, layout.height), layout.height);
  const [tw, th] = [first(ifd, 322, 0), first(ifd, 323, 0)];
  if (tiled && (tw < 1 || th < 1 || tw * th > Math.max(1 << 16, 4 * layout.width * layout.height))) throw bad('the TIFF data is damaged (its tile size)');
  const wanted = tiled ? Math.ceil(layout.width / tw) * Math.ceil(layout.height / th) : Math.ceil(layout.height / Math.max(1, rows));
  if (offsets.length < wanted || counts.length < offsets.length) throw bad('the TIFF data is damaged (pixel blocks are missing)');
  const uncompressedStrips = !tiled && first(ifd, 259, 1) === 1;
  offsets.forEach((at, i) => {
    const length = uncompressedStrips ? Math.min(rows, layout.height - i * rows) * rowBytes : (counts[i] ?? 0);
    if (at + length > fileLength) throw bad('the TIFF file is cut short (truncated); copy it again from its source');
  });
}

/** Full-range linear scale: 16-bit 0..65535 -> 8-bit 0..255 (value / 257, rounded), as PNG decoders do. */
function sampleReader(data: Uint8Array, bits: 8 | 16): (i: number) => number {
  // utif2 hands 16-bit samples back little-endian whatever the file's byte order.
  if (bits === 8) return (i) => data[i] ?? 0;
  return (i) => Math.round((((data[2 * i] ?? 0) | ((data[2 * i + 1] ?? 0) << 8)) / 257));
}

/** Decoded samples -> 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) interleaved 8-bit channels. */
function toPixels(data: Uint8Array, layout: Layout): PixelImage & { data: Uint8Array } {
  const { width, height, samples, alpha } = layout;
  const colour = layout.gray ? 1 : 3;
  const channels = (colour + (alpha >= 0 ? 1 : 0)) as PixelImage['channels'];
  const read = sampleReader(data, layout.bits);
  const out = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const a = alpha >= 0 ? read(p * samples + alpha) : 255;
    for (let c = 0; c < colour; c++) {
      let v = read(p * samples + c);
      if (layout.whiteIsZero) v = 255 - v;
      // Premultiplied alpha is undone so every format stores straight alpha.
      if (layout.associated) v = a === 0 ? 0 : Math.min(255, Math.round((v * 255) / a));
      out[p * channels + c] = v;
    }
    if (alpha >= 0) out[p * channels + colour] = a;
  }
  return { width, height, channels, data: out };
}

/** The page count, not counting reduced-resolution previews (NewSubfileType bit 0). */
function pageCount(ifds: Ifd[]): number {
  return Math.max(1, ifds.filter((ifd, i) => i === 0 || (first(ifd, 254, 0) & 1) === 0).length);
}

/**
 * Decodes the first page of a TIFF. `checkSize` is called with its size before any pixel is
 * decompressed and throws to refuse it. Everything refused is an EngineError ('bad-image' with a
 * sentence naming what is not supported, or what checkSize throws).
 */
export function decodeTiff(bytes: Uint8Array, checkSize: (width: number, height: number) => void): TiffImage {
  const chain = ifdChain(bytes);
  // The library reads tag arrays through .buffer at absolute offsets: it needs the file's bytes
  // to be the whole buffer (a Node Buffer is often a slice of a shared pool).
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const buffer = whole ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
  let ifds: Ifd[];
  try {
    ifds = UTIF.decode(buffer).slice(0, chain.length);
  } catch (e) {
    throw bad(`the TIFF data is damaged (${errorMessage(e)})`, e);
  }
  const ifd = ifds[0];
  if (!ifd) throw bad('the TIFF file has no image in it');
  const layout = readLayout(ifd);
  checkSize(layout.width, layout.height);
  checkBlocks(ifd, layout, bytes.length);
  let data: Uint8Array;
  try {
    data = tag(ifd, 322) ? decodeTiles(buffer, ifd, layout) : decodeBlock(buffer, ifd);
  } catch (e) {
    throw isEngineError(e) ? e : bad(`the TIFF data is damaged (${errorMessage(e)})`, e);
  }
  if (data.length < (layout.width * layout.height * layout.samples * layout.bits) / 8) throw bad('the TIFF data is damaged (fewer pixels than its size says)');
  return { ...toPixels(data, layout), pages: pageCount(ifds) };
}

/** Decompressed samples of a stripped image (16-bit ones little-endian, predictor undone). */
function decodeBlock(buffer: ArrayBuffer, ifd: Ifd): Uint8Array {
  UTIF.decodeImage(buffer, ifd);
  if (!(ifd.data instanceof Uint8Array)) throw bad('the TIFF data is damaged (no pixels in its first page)');
  return ifd.data;
}

/** Tiles one by one, each as a one-strip image: the library's own tile loop logs to the console. */
function decodeTiles(buffer: ArrayBuffer, ifd: Ifd, layout: Layout): Uint8Array {
  const { t322: _w, t323: _h, t324: _offsets, t325: _counts, ...strip } = ifd;
  const [tw, th] = [first(ifd, 322, 0), first(ifd, 323, 0)];
  const px = (layout.samples * layout.bits) / 8;
  const out = new Uint8Array(layout.width * layout.height * px);
  const across = Math.ceil(layout.width / tw);
  (tag(ifd, 324) ?? []).forEach((offset, i) => {
    const tile = { ...strip, t256: [tw], t257: [th], t278: [th], t273: [offset], t279: [tag(ifd, 325)?.[i] ?? 0] } as Ifd;
    const data = decodeBlock(buffer, tile);
    const x0 = (i % across) * tw;
    const y0 = Math.floor(i / across) * th;
    const rowBytes = Math.min(tw, layout.width - x0) * px;
    for (let r = 0; r < Math.min(th, layout.height - y0); r++) out.set(data.subarray(r * tw * px, r * tw * px + rowBytes), ((y0 + r) * layout.width + x0) * px);
  });
  return out;
}

/** What to tell the person about a TIFF, if anything. */
export function tiffNote(img: TiffImage): string | undefined {
  return img.pages > 1 ? `multi-page TIFF: the first of ${img.pages} pages was used` : undefined;
}

/** Any decoded pixels as RGBA (the layout of ImageData). */
export function toRgba(img: PixelImage): Uint8ClampedArray<ArrayBuffer> {
  const n = img.width * img.height;
  const c = img.channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    const gray = c < 3;
    for (let k = 0; k < 3; k++) out[p * 4 + k] = img.data[p * c + (gray ? 0 : k)] ?? 0;
    out[p * 4 + 3] = c === 2 || c === 4 ? (img.data[p * c + c - 1] ?? 255) : 255;
  }
  return out;
}
