/**
 * A small TIFF writer for tests: 8 or 16-bit gray, gray + alpha, RGB and RGBA, in strips or
 * tiles, uncompressed, LZW, Deflate or PackBits, either byte order, one or more pages. Any other
 * compression number can be written too (the pixels then stay uncompressed, only the tag says
 * otherwise), to test how files the app cannot read are refused.
 */
import { deflateSync } from 'node:zlib';

export type TiffCompression = 'none' | 'lzw' | 'deflate' | 'packbits' | number;

export interface TiffPage {
  width: number;
  height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  samples: 1 | 2 | 3 | 4;
  bits: 8 | 16;
  /** Sample s of pixel (x, y) in the file's own units: 0..255 or 0..65535. */
  sample: (x: number, y: number, s: number) => number;
  compression?: TiffCompression;
  rowsPerStrip?: number;
  /** Tile side (a multiple of 16): tiles instead of strips. */
  tile?: number;
  /** Extra or replaced tags, e.g. PhotometricInterpretation 0 (WhiteIsZero); [] leaves a tag out. */
  tags?: Record<number, number[]>;
}

const COMPRESSION: Record<string, number> = { none: 1, lzw: 5, deflate: 8, packbits: 32773 };
const SHORT = 3;
const LONG = 4;

/** TIFF LZW: MSB-first codes from 9 bits, Clear 256, EndOfInformation 257, one code early on width change. */
export function lzw(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  let width = 9;
  const emit = (code: number): void => {
    acc = (acc << width) | code;
    nbits += width;
    while (nbits >= 8) {
      nbits -= 8;
      out.push((acc >>> nbits) & 0xff);
    }
    acc &= (1 << nbits) - 1;
  };
  let dict = new Map<number, number>();
  let next = 258;
  emit(256);
  let prefix = data[0] ?? 0;
  for (let i = 1; i < data.length; i++) {
    const c = data[i] ?? 0;
    const known = dict.get(prefix * 256 + c);
    if (known !== undefined) {
      prefix = known;
      continue;
    }
    emit(prefix);
    dict.set(prefix * 256 + c, next++);
    if (next === 1 << width) width++;
    if (next === 4093) {
      emit(256);
      dict = new Map();
      next = 258;
      width = 9;
    }
    prefix = c;
  }
  if (data.length > 0) emit(prefix);
  emit(257);
  if (nbits > 0) out.push((acc << (8 - nbits)) & 0xff);
  return Uint8Array.from(out);
}

/** PackBits: runs of 3 or more equal bytes as (1 - n, byte), the rest as literals (n - 1, bytes). */
export function packBits(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 3) {
      out.push(257 - run, data[i] ?? 0);
      i += run;
      continue;
    }
    const start = i;
    while (i < data.length && i - start < 128 && !(data[i] === data[i + 1] && data[i] === data[i + 2])) i++;
    if (i === start) i++;
    out.push(i - start - 1, ...data.subarray(start, i));
  }
  return Uint8Array.from(out);
}

function compress(raw: Uint8Array, how: TiffCompression): Uint8Array {
  if (how === 'lzw') return lzw(raw);
  if (how === 'deflate') return deflateSync(raw);
  if (how === 'packbits') return packBits(raw);
  return raw;
}

/** Pixels of the rectangle (x0, y0, w, h) in file order; outside the image is 0 (tile padding). */
function rawPixels(page: TiffPage, x0: number, y0: number, w: number, h: number, le: boolean): Uint8Array {
  const bytes = page.bits / 8;
  const buf = Buffer.alloc(w * h * page.samples * bytes);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x0 + x >= page.width || y0 + y >= page.height) continue;
      for (let s = 0; s < page.samples; s++) {
        const v = page.sample(x0 + x, y0 + y, s);
        const at = ((y * w + x) * page.samples + s) * bytes;
        if (bytes === 1) buf[at] = v;
        else if (le) buf.writeUInt16LE(v, at);
        else buf.writeUInt16BE(v, at);
      }
    }
  }
  return buf;
}

/** The page's pixel blocks (strips or tiles) and the tags that place them. */
function blocks(page: TiffPage, le: boolean): { data: Uint8Array[]; tags: Record<number, number[]> } {
  const how = page.compression ?? 'none';
  if (page.tile) {
    const t = page.tile;
    const data: Uint8Array[] = [];
    for (let y = 0; y < page.height; y += t) for (let x = 0; x < page.width; x += t) data.push(compress(rawPixels(page, x, y, t, t, le), how));
    return { data, tags: { 322: [t], 323: [t] } };
  }
  const rows = Math.min(page.rowsPerStrip ?? page.height, page.height);
  const data: Uint8Array[] = [];
  for (let y = 0; y < page.height; y += rows) data.push(compress(rawPixels(page, 0, y, page.width, Math.min(rows, page.height - y), le), how));
  return { data, tags: { 278: [rows] } };
}

class Writer {
  bytes: number[] = [];
  constructor(private readonly le: boolean) {}
  u16(v: number, at = this.bytes.length): void {
    const b = [v & 0xff, (v >>> 8) & 0xff];
    this.bytes.splice(at, 2, ...(this.le ? b : b.reverse()));
  }
  u32(v: number, at = this.bytes.length): void {
    const b = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    this.bytes.splice(at, 4, ...(this.le ? b : b.reverse()));
  }
  align(): void {
    if (this.bytes.length % 2) this.bytes.push(0);
  }
}

/** Writes one IFD at the end (entries sorted by tag, long values after it); returns where its next-IFD pointer is. */
function writeIfd(w: Writer, tags: Record<number, number[]>, types: Record<number, number>): number {
  const entries = Object.entries(tags).filter(([, values]) => values.length > 0).map(([tag, values]) => ({ tag: Number(tag), values, type: types[Number(tag)] ?? SHORT }));
  entries.sort((a, b) => a.tag - b.tag);
  const start = w.bytes.length;
  let extra = start + 2 + 12 * entries.length + 4;
  w.u16(entries.length);
  const later: (() => void)[] = [];
  for (const e of entries) {
    const size = e.type === LONG ? 4 : 2;
    const put = (v: number, at?: number): void => (size === 4 ? w.u32(v, at) : w.u16(v, at));
    w.u16(e.tag);
    w.u16(e.type);
    w.u32(e.values.length);
    if (e.values.length * size <= 4) {
      const field = w.bytes.length;
      w.u32(0);
      e.values.forEach((v, i) => put(v, field + i * size));
    } else {
      w.u32(extra);
      extra += e.values.length * size;
      later.push(() => e.values.forEach((v) => put(v)));
    }
  }
  const next = w.bytes.length;
  w.u32(0);
  for (const write of later) write();
  return next;
}

/** A TIFF file of the given pages, little-endian ('II') unless order is 'MM'. */
export function makeTiff(pages: TiffPage | TiffPage[], order: 'II' | 'MM' = 'II'): Buffer {
  const le = order === 'II';
  const w = new Writer(le);
  w.bytes.push(...Buffer.from(order, 'ascii'));
  w.u16(42);
  let pointer = w.bytes.length;
  w.u32(0);
  for (const page of [pages].flat()) {
    const { data, tags: placed } = blocks(page, le);
    const offsets: number[] = [];
    for (const block of data) {
      w.align();
      offsets.push(w.bytes.length);
      for (const b of block) w.bytes.push(b);
    }
    const tiled = page.tile !== undefined;
    const how = page.compression ?? 'none';
    const tags: Record<number, number[]> = {
      256: [page.width],
      257: [page.height],
      258: new Array<number>(page.samples).fill(page.bits),
      259: [typeof how === 'number' ? how : (COMPRESSION[how] ?? 1)],
      262: [page.samples >= 3 ? 2 : 1],
      277: [page.samples],
      284: [1],
      // ExtraSamples 2: the last sample of gray + alpha and RGBA is straight (unassociated) alpha.
      ...(page.samples % 2 === 0 ? { 338: [2] } : { 338: [] }),
      ...placed,
      [tiled ? 324 : 273]: offsets,
      [tiled ? 325 : 279]: data.map((b) => b.length),
      ...page.tags,
    };
    w.align();
    w.u32(w.bytes.length, pointer);
    pointer = writeIfd(w, tags, { 256: LONG, 257: LONG, 273: LONG, 279: LONG, 324: LONG, 325: LONG });
  }
  return Buffer.from(w.bytes);
}

/** Only a TIFF header and a first IFD with ImageWidth and ImageLength, as SHORT or LONG: for the size check. */
export function tiffHeaderOnly(width: number, height: number, order: 'II' | 'MM', type: 'short' | 'long'): Buffer {
  const w = new Writer(order === 'II');
  w.bytes.push(...Buffer.from(order, 'ascii'));
  w.u16(42);
  w.u32(8);
  const t = type === 'short' ? SHORT : LONG;
  writeIfd(w, { 256: [width], 257: [height], 259: [1] }, { 256: t, 257: t });
  return Buffer.from(w.bytes);
}
