/**
 * What a file is, from its first bytes (never its name or MIME type, which people rename), and
 * for PNG and JPEG the image size from the header, so a huge image is refused before any pixel
 * is decoded. Plain byte code: runs in the worker and in Node tests.
 */

export type SniffedFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif';

export type Sniffed =
  | { kind: 'image'; format: SniffedFormat; width: number | null; height: number | null; complete: boolean }
  | { kind: 'empty' }
  | { kind: 'other'; what: string };

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
  { sig: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image, which browsers cannot decode' },
  { sig: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image, which browsers cannot decode' },
  { sig: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF)' },
  { sig: [0x4d, 0x5a], what: 'a program (EXE)' },
];

function pngSize(head: Uint8Array): { width: number; height: number } | null {
  if (head.length < 24 || ascii(head, 12, 16) !== 'IHDR') return null;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** Walks the JPEG markers to the first SOFn frame header (baseline, progressive, ...). */
function jpegSize(head: Uint8Array): { width: number; height: number } | null {
  let p = 2;
  while (p + 9 < head.length) {
    if (head[p] !== 0xff) return null;
    const marker = head[p + 1] ?? 0;
    if (marker === 0xff) {
      p++;
      continue;
    }
    const len = ((head[p + 2] ?? 0) << 8) | (head[p + 3] ?? 0);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: ((head[p + 5] ?? 0) << 8) | (head[p + 6] ?? 0), width: ((head[p + 7] ?? 0) << 8) | (head[p + 8] ?? 0) };
    p += 2 + len;
  }
  return null;
}

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
  return null;
}

/**
 * `head` is the file's first bytes (HEAD_BYTES or all), `tail` its last TAIL_BYTES, `size` its
 * length. A PNG without its IEND chunk or a JPEG without its end marker is incomplete (cut short):
 * browsers would decode the missing part as gray instead of failing.
 */
export function sniff(head: Uint8Array, tail: Uint8Array, size: number): Sniffed {
  if (size === 0) return { kind: 'empty' };
  const format = imageFormat(head);
  if (format === null) {
    const known = OTHER.find((o) => startsWith(head, o.sig));
    if (known) return { kind: 'other', what: known.what };
    return { kind: 'other', what: looksLikeText(head) ? 'a text file' : 'not in an image format this app reads (PNG, JPEG, GIF, WebP, BMP, AVIF)' };
  }
  const dims = format === 'png' ? pngSize(head) : format === 'jpeg' ? jpegSize(head) : null;
  let complete = true;
  if (format === 'png') complete = lastIndexOf(tail, [0x49, 0x45, 0x4e, 0x44]) >= 0;
  if (format === 'jpeg') complete = lastIndexOf(tail, [0xff, 0xd9]) >= 0;
  return { kind: 'image', format, width: dims?.width ?? null, height: dims?.height ?? null, complete };
}
