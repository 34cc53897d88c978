/**
 * Image size from a file's header, for every format the app reads, so a huge image is refused
 * before a single pixel is decoded (a crafted 30,000 x 30,000 WebP is a few bytes). Each reader
 * gets the file's first bytes and returns null when the header is not (all) there: the decoder
 * then checks the size it finds. Plain byte code: runs in the worker and in Node tests.
 */

export interface Size {
  width: number;
  height: number;
}

const ascii = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const fits = (b: Uint8Array, end: number): boolean => end <= b.length;

export function pngSize(head: Uint8Array): Size | null {
  if (!fits(head, 24) || ascii(head, 12, 16) !== 'IHDR') return null;
  return { width: view(head).getUint32(16), height: view(head).getUint32(20) };
}

/** Walks the JPEG markers to the first SOFn frame header (baseline, progressive, ...). */
export function jpegSize(head: Uint8Array): Size | null {
  let p = 2;
  while (p + 9 < head.length) {
    if (head[p] !== 0xff) return null;
    const marker = head[p + 1] ?? 0;
    if (marker === 0xff) {
      p++;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: view(head).getUint16(p + 5), width: view(head).getUint16(p + 7) };
    p += 2 + view(head).getUint16(p + 2);
  }
  return null;
}

/** The first chunk after 'RIFF....WEBP' says which bitstream it is and where its size is. */
export function webpSize(head: Uint8Array): Size | null {
  if (!fits(head, 30)) return null;
  const v = view(head);
  const chunk = ascii(head, 12, 16);
  if (chunk === 'VP8 ' && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a) {
    // Lossy: after the 3-byte frame tag and start code, 14-bit width and height (2 bits of scale each).
    return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L' && head[20] === 0x2f) {
    const bits = v.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const u24 = (at: number): number => (head[at] ?? 0) | ((head[at + 1] ?? 0) << 8) | ((head[at + 2] ?? 0) << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  return null;
}

/** The logical screen size, little-endian, right after 'GIF87a' / 'GIF89a'. */
export function gifSize(head: Uint8Array): Size | null {
  if (!fits(head, 10)) return null;
  return { width: view(head).getUint16(6, true), height: view(head).getUint16(8, true) };
}

/** BITMAPINFOHEADER and its successors (int32 sizes; negative height = top-down) or the old 12-byte core header. */
export function bmpSize(head: Uint8Array): Size | null {
  if (!fits(head, 26)) return null;
  const v = view(head);
  if (v.getUint32(14, true) === 12) return { width: v.getUint16(18, true), height: v.getUint16(20, true) };
  return { width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)) };
}

interface Box {
  type: string;
  /** Where the box's content starts and ends. */
  start: number;
  end: number;
}

/** ISOBMFF boxes between from and to (32-bit sizes, 64-bit 'largesize', 0 = to the end). */
function boxes(b: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  const v = view(b);
  let p = from;
  while (p + 8 <= to) {
    let size = v.getUint32(p);
    let header = 8;
    if (size === 1) {
      if (p + 16 > to) break;
      size = v.getUint32(p + 8) * 2 ** 32 + v.getUint32(p + 12);
      header = 16;
    } else if (size === 0) size = to - p;
    if (size < header) break;
    out.push({ type: ascii(b, p + 4, p + 8), start: p + header, end: Math.min(p + size, to) });
    p += size;
  }
  return out;
}

const child = (b: Uint8Array, parent: Box | undefined, type: string, skip = 0): Box | undefined =>
  parent ? boxes(b, parent.start + skip, parent.end).find((x) => x.type === type) : undefined;

/** AVIF: meta (a full box) -> iprp -> ipco -> every 'ispe' (full box, then 32-bit width, height); the largest wins. */
export function avifSize(head: Uint8Array): Size | null {
  const meta = boxes(head, 0, head.length).find((x) => x.type === 'meta');
  const ipco = child(head, child(head, meta, 'iprp', 4), 'ipco');
  if (!ipco) return null;
  let best: Size | null = null;
  for (const box of boxes(head, ipco.start, ipco.end)) {
    if (box.type !== 'ispe' || box.end - box.start < 12) continue;
    const size = { width: view(head).getUint32(box.start + 4), height: view(head).getUint32(box.start + 8) };
    if (!best || size.width * size.height > best.width * best.height) best = size;
  }
  return best;
}

/** utif2 reads 32-bit offsets only. */
export const BIGTIFF_REASON = 'a BigTIFF image (TIFF over 4 GB), which this app cannot read; save it as a standard TIFF or as PNG';

/** 'II' (little-endian) or 'MM' (big-endian), then 42 for TIFF or 43 for BigTIFF. */
export function tiffVersion(head: Uint8Array): { littleEndian: boolean; version: number } | null {
  if (!fits(head, 4)) return null;
  const id = ascii(head, 0, 2);
  if (id !== 'II' && id !== 'MM') return null;
  const littleEndian = id === 'II';
  return { littleEndian, version: view(head).getUint16(2, littleEndian) };
}

/** ImageWidth (256) and ImageLength (257) of the first IFD, SHORT or LONG, in the file's byte order. */
export function tiffSize(head: Uint8Array): Size | null {
  const tiff = tiffVersion(head);
  if (!tiff || tiff.version !== 42 || !fits(head, 8)) return null;
  const v = view(head);
  const le = tiff.littleEndian;
  const ifd = v.getUint32(4, le);
  if (!fits(head, ifd + 2)) return null;
  const found: Partial<Record<number, number>> = {};
  const count = v.getUint16(ifd, le);
  for (let i = 0; i < count && fits(head, ifd + 14 + 12 * i); i++) {
    const at = ifd + 2 + 12 * i;
    const tag = v.getUint16(at, le);
    const type = v.getUint16(at + 2, le);
    if ((tag === 256 || tag === 257) && (type === 3 || type === 4)) found[tag] = type === 3 ? v.getUint16(at + 8, le) : v.getUint32(at + 8, le);
  }
  const width = found[256];
  const height = found[257];
  return width === undefined || height === undefined ? null : { width, height };
}
