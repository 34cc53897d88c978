/**
 * Image headers made by hand, with nothing (or junk) after them: enough for the size check, which
 * must refuse a huge image from its first bytes. A 30,000 x 30,000 WebP is 30 bytes here.
 */

const u16le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const u24le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff];
const u32le = (v: number): number[] => [...u16le(v & 0xffff), ...u16le(v >>> 16)];
const u32be = (v: number): number[] => u32le(v).reverse();
const text = (s: string): number[] => [...Buffer.from(s, 'ascii')];

function riffWebp(chunk: string, payload: number[]): Buffer {
  const body = [...text(chunk), ...u32le(payload.length), ...payload];
  return Buffer.from([...text('RIFF'), ...u32le(4 + body.length), ...text('WEBP'), ...body]);
}

/**
 * A WebP header of the given bitstream: 'VP8X' (extended, 24-bit sizes up to 16,777,216),
 * 'VP8L' (lossless, 14-bit sizes up to 16,384) or 'VP8 ' (lossy, 14-bit sizes up to 16,383).
 */
export function webpHeader(kind: 'VP8X' | 'VP8L' | 'VP8 ', width: number, height: number): Buffer {
  if (kind === 'VP8X') return riffWebp('VP8X', [0, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)]);
  if (kind === 'VP8L') {
    const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
    return riffWebp('VP8L', [0x2f, ...u32le(bits >>> 0), 0, 0, 0, 0, 0]);
  }
  return riffWebp('VP8 ', [0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...u16le(width), ...u16le(height), 0, 0]);
}

/** A GIF89a header: logical screen width and height, little-endian. */
export function gifHeader(width: number, height: number): Buffer {
  return Buffer.from([...text('GIF89a'), ...u16le(width), ...u16le(height), 0, 0, 0]);
}

/** A BMP header: BITMAPINFOHEADER (40 bytes, int32 sizes, height negative = top-down) or the old 12-byte core header. */
export function bmpHeader(width: number, height: number, dib: 'info' | 'core' = 'info'): Buffer {
  const size = dib === 'info' ? [...u32le(width >>> 0), ...u32le(height >>> 0), ...u16le(1), ...u16le(24)] : [...u16le(width), ...u16le(height), ...u16le(1), ...u16le(24)];
  const header = [...u32le(dib === 'info' ? 40 : 12), ...size];
  const rest = new Array<number>(dib === 'info' ? 24 : 0).fill(0);
  return Buffer.from([...text('BM'), ...u32le(54), 0, 0, 0, 0, ...u32le(54), ...header, ...rest]);
}

function box(type: string, content: number[]): number[] {
  return [...u32be(8 + content.length), ...text(type), ...content];
}

/** An AVIF with ftyp and meta -> iprp -> ipco holding one 'ispe' per given size (e.g. image and thumbnail). */
export function avifHeader(sizes: { width: number; height: number }[]): Buffer {
  const ispe = sizes.flatMap((s) => box('ispe', [0, 0, 0, 0, ...u32be(s.width), ...u32be(s.height)]));
  const meta = box('meta', [0, 0, 0, 0, ...box('hdlr', [0, 0, 0, 0, 0, 0, 0, 0, ...text('pict'), ...new Array<number>(13).fill(0)]), ...box('iprp', box('ipco', ispe))]);
  return Buffer.from([...box('ftyp', [...text('avif'), 0, 0, 0, 0, ...text('mif1'), ...text('avif')]), ...meta]);
}
