/**
 * What a file is, from its first bytes (never its name or MIME type, which people rename), and
 * the image size from its header (header-size.ts), so a huge image is refused before any pixel
 * is decoded. Plain byte code: runs in the worker and in Node tests.
 */
import { avifSize, BIGTIFF_REASON, bmpSize, gifSize, jpegSize, pngSize, type Size, tiffSize, tiffVersion, webpSize } from './header-size';

export type SniffedFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif' | 'tiff';

export type Sniffed =
  | { kind: 'image'; format: SniffedFormat; width: number | null; height: number | null; complete: boolean }
  | { kind: 'empty' }
  | { kind: 'other'; what: string }
  /** An image format this app knows but cannot read; `reason` is the whole sentence. */
  | { kind: 'unsupported'; reason: string };

/** Bytes read from the start (headers) and the end (end markers) of a file. */
export const HEAD_BYTES = 256 * 1024;
export const TAIL_BYTES = 1024;

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Well-known non-image formats people drop by mistake, to name them in the reason. */
const OTHER: { sig: readonly number[]; what: string }[] = [
  { sig: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { sig: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or an Office document)' },
  { sig: [0x1f, 0x8b], what: 'a gzip archive' },
  { sig: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF)' },
  { sig: [0x4d, 0x5a], what: 'a program (EXE)' },
];

function lastIndexOf(b: Uint8Array, sig: readonly number[]): number {
  for (let i = b.length - sig.length; i >= 0; i--) if (startsWith(b, sig, i)) return i;
  return -1;
}

function looksLikeText(head: Uint8Array): boolean {
  const n = Math.min(head.length, 512);
  for (let i = 0; i < n; i++) {
    const c = head[i] ?? 0;
    if (c < 9 || (c > 13 && c < 32)) return false;
  }
  return n > 0;
}

function imageFormat(head: Uint8Array): SniffedFormat | null {
  if (startsWith(head, PNG_SIG)) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(head, 0, 4) === 'GIF8') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if (ascii(head, 0, 2) === 'BM') return 'bmp';
  if (ascii(head, 4, 8) === 'ftyp' && /avi[fs]/.test(ascii(head, 8, 12))) return 'avif';
  if (tiffVersion(head)?.version === 42) return 'tiff';
  return null;
}

const SIZE_READERS: Record<SniffedFormat, (head: Uint8Array) => Size | null> = {
  png: pngSize,
  jpeg: jpegSize,
  gif: gifSize,
  webp: webpSize,
  bmp: bmpSize,
  avif: avifSize,
  tiff: tiffSize,
};

/**
 * `head` is the file's first bytes (HEAD_BYTES or all), `tail` its last TAIL_BYTES, `size` its
 * length. A PNG without its IEND chunk or a JPEG without its end marker is incomplete (cut short):
 * browsers would decode the missing part as gray instead of failing.
 */
export function sniff(head: Uint8Array, tail: Uint8Array, size: number): Sniffed {
  if (size === 0) return { kind: 'empty' };
  const format = imageFormat(head);
  if (format === null) {
    if (tiffVersion(head)?.version === 43) return { kind: 'unsupported', reason: BIGTIFF_REASON };
    const known = OTHER.find((o) => startsWith(head, o.sig));
    if (known) return { kind: 'other', what: known.what };
    return { kind: 'other', what: looksLikeText(head) ? 'a text file' : 'not in an image format this app reads (PNG, JPEG, GIF, WebP, BMP, AVIF, TIFF)' };
  }
  const dims = SIZE_READERS[format](head);
  let complete = true;
  if (format === 'png') complete = lastIndexOf(tail, [0x49, 0x45, 0x4e, 0x44]) >= 0;
  if (format === 'jpeg') complete = lastIndexOf(tail, [0xff, 0xd9]) >= 0;
  return { kind: 'image', format, width: dims?.width ?? null, height: dims?.height ?? null, complete };
}
