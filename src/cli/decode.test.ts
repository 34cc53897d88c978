import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTiff } from '../../e2e/tiff-writer';
import { isEngineError } from '../engine/errors';
import type { PixelImage } from '../engine/types';
import { decodeImageBuffer, decodeImageFile, sniffFormat } from './decode';
import { encodeMaskPng, encodePng } from './encode';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ml-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function image(width: number, height: number, channels: PixelImage['channels']): PixelImage {
  return { width, height, channels, data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37 + 11) % 256) };
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: isEngineError(e) ? e.code : 'other', message: (e as Error).message };
  }
  throw new Error('expected a rejection');
}

/** A PNG chunk: length, type, data, CRC over type + data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** An 8-bit palette PNG (pngjs cannot write one): 2 x 1 with palette red, blue; blue half transparent. */
function palettePng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const rows = Uint8Array.from([0, 0, 1]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Uint8Array.from([255, 0, 0, 0, 0, 255])),
    chunk('tRNS', Uint8Array.from([255, 128])),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A true one-component baseline JPEG, 16 x 8, two flat 8 x 8 blocks of gray values v1 and v2
 * (jpeg-js can only write colour JPEGs). With all quantisers 1 and no AC terms, a block's DC
 * coefficient is 8 * (v - 128); each DC difference is coded as its bit-length category (a 2-bit
 * Huffman code) followed by its bits, and every block ends with EOB (1-bit code '0').
 */
function grayJpeg(v1: number, v2: number): Buffer {
  const diffs = [8 * (v1 - 128), 8 * (v2 - v1)];
  const cat = (d: number): number => (d === 0 ? 0 : Math.floor(Math.log2(Math.abs(d))) + 1);
  const cats = [...new Set(diffs.map(cat))].sort((a, b) => a - b);
  let bits = '';
  for (const d of diffs) {
    const c = cat(d);
    bits += cats.indexOf(c).toString(2).padStart(2, '0');
    if (c > 0) bits += (d > 0 ? d : d + (1 << c) - 1).toString(2).padStart(c, '0');
    bits += '0';
  }
  bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, '1');
  const scan: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    const b = parseInt(bits.slice(i, i + 8), 2);
    scan.push(...(b === 0xff ? [0xff, 0x00] : [b]));
  }
  const seg = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const dcBits = [0, cats.length, ...new Array(14).fill(0)];
  return Buffer.from([
    0xff, 0xd8,
    ...seg(0xdb, [0, ...new Array(64).fill(1)]),
    ...seg(0xc0, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]),
    ...seg(0xc4, [0x00, ...dcBits, ...cats]),
    ...seg(0xc4, [0x10, 1, ...new Array(15).fill(0), 0x00]),
    ...seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff, 0xd9,
  ]);
}

describe('decodeImageFile: PNG', () => {
  it('round-trips 8-bit gray, gray + alpha, RGB and RGBA', async () => {
    for (const channels of [1, 2, 3, 4] as const) {
      const img = image(5, 3, channels);
      const path = join(dir, `rt${channels}.png`);
      await writeFile(path, encodePng(img));
      const out = await decodeImageFile(path);
      expect(out).toMatchObject({ width: 5, height: 3, channels });
      expect(Array.from(out.data)).toEqual(Array.from(img.data));
    }
  });

  it('rescales 16-bit samples to 8 bits', () => {
    const samples = [0, 0x1234, 0x8000, 0xffff];
    const rgba = new Uint16Array(samples.flatMap((v) => [v, v, v, 0xffff]));
    const png = new PNG({ width: 4, height: 1 });
    png.data = Buffer.from(rgba.buffer);
    const buf = PNG.sync.write(png, { bitDepth: 16, colorType: 0, inputColorType: 6, inputHasAlpha: true });
    expect(buf[24]).toBe(16);
    const out = decodeImageBuffer(buf, 'sixteen.png');
    expect(out.channels).toBe(1);
    expect(Array.from(out.data)).toEqual(samples.map((v) => Math.floor((v * 255) / 65535 + 0.5)));
  });

  it('expands a palette with transparency to RGBA', () => {
    const out = decodeImageBuffer(palettePng(), 'palette.png');
    expect(out).toMatchObject({ width: 2, height: 1, channels: 4 });
    expect(Array.from(out.data)).toEqual([255, 0, 0, 255, 0, 0, 255, 128]);
  });

  it('encodes float images and masks as 8-bit PNGs', () => {
    const f = decodeImageBuffer(encodePng({ width: 2, height: 1, channels: 1, data: Float32Array.from([0, 0.5]) }), 'f.png');
    expect(Array.from(f.data)).toEqual([0, 128]);
    const m = decodeImageBuffer(encodeMaskPng({ width: 3, height: 1, data: Uint8Array.from([0, 1, 0]) }), 'm.png');
    expect(Array.from(m.data)).toEqual([0, 255, 0]);
  });
});

describe('decodeImageFile: JPEG', () => {
  it('decodes a colour JPEG written by jpeg-js approximately', async () => {
    const w = 16;
    const rgba = Uint8Array.from({ length: w * w * 4 }, (_, i) => (i % 4 === 3 ? 255 : i % 4 === 0 ? (i >> 2) % w * 16 : i % 4 === 1 ? 128 : Math.floor(i / 4 / w) * 16));
    const path = join(dir, 'colour.jpg');
    await writeFile(path, jpeg.encode({ width: w, height: w, data: rgba }, 95).data);
    const out = await decodeImageFile(path);
    expect(out).toMatchObject({ width: w, height: w, channels: 3 });
    let err = 0;
    for (let p = 0; p < w * w; p++) for (let c = 0; c < 3; c++) err += Math.abs((out.data[p * 3 + c] as number) - (rgba[p * 4 + c] as number));
    expect(err / (w * w * 3)).toBeLessThan(4);
  });

  it('decodes a one-component gray JPEG to one channel', () => {
    const buf = grayJpeg(200, 60);
    expect(sniffFormat(buf)).toBe('jpeg');
    const out = decodeImageBuffer(buf, 'gray.jpg');
    expect(out).toMatchObject({ width: 16, height: 8, channels: 1 });
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 16; x++) expect(Math.abs((out.data[y * 16 + x] as number) - (x < 8 ? 200 : 60))).toBeLessThanOrEqual(1);
    }
  });
});

describe('decodeImageFile: TIFF', () => {
  it('keeps the channels of 8 and 16-bit gray, gray + alpha, RGB and RGBA, 16 bits scaled by 255 / 65535', async () => {
    for (const samples of [1, 2, 3, 4] as const) {
      const img = image(5, 3, samples);
      const path = join(dir, `rt${samples}.tif`);
      await writeFile(path, makeTiff({ width: 5, height: 3, samples, bits: 8, sample: (x, y, s) => img.data[(y * 5 + x) * samples + s] ?? 0, compression: 'lzw' }));
      const out = await decodeImageFile(path);
      expect(out).toMatchObject({ width: 5, height: 3, channels: samples });
      expect(Array.from(out.data)).toEqual(Array.from(img.data));
    }
    const values = [0, 0x1234, 0x8000, 0xffff];
    const sixteen = decodeImageBuffer(makeTiff({ width: 4, height: 1, samples: 1, bits: 16, sample: (x) => values[x] ?? 0 }, 'MM'), 'sixteen.tif');
    expect(Array.from(sixteen.data)).toEqual(values.map((v) => Math.floor((v * 255) / 65535 + 0.5)));
  });

  it('names the file and what is not supported, and refuses a huge one from its header', () => {
    const jpegInTiff = makeTiff({ width: 2, height: 2, samples: 3, bits: 8, sample: () => 0, compression: 7 });
    expect(() => decodeImageBuffer(jpegInTiff, 'scan.tif')).toThrow(
      'scan.tif: TIFF with JPEG compression (7) is not supported; save it as uncompressed, LZW or Deflate TIFF, or as PNG.',
    );
    const huge = makeTiff({ width: 4, height: 4, samples: 1, bits: 8, sample: () => 0, tags: { 256: [20000], 257: [20000] } });
    let code = '';
    try {
      decodeImageBuffer(huge, 'huge.tif');
    } catch (e) {
      code = isEngineError(e) ? `${e.code} ${e.message}` : 'other';
    }
    expect(code).toBe('image-too-large huge.tif: 20000 x 20000 pixels is over the 40 megapixel limit.');
    expect(sniffFormat(Uint8Array.from([0x49, 0x49, 0x2b, 0]))).toBe('tiff');
    expect(() => decodeImageBuffer(Uint8Array.from([0x49, 0x49, 0x2b, 0, 8, 0, 0, 0]), 'big.tif')).toThrow(/^big\.tif: a BigTIFF image/);
  });
});

describe('decodeImageFile: bad files', () => {
  it('refuses a PDF renamed .png, naming the file', async () => {
    const path = join(dir, 'report.png');
    await writeFile(path, Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'));
    const r = await rejection(decodeImageFile(path));
    expect(r.code).toBe('bad-image');
    expect(r.message).toContain(path);
    expect(r.message).toMatch(/not a PNG, JPEG or TIFF/);
  });

  it('refuses a truncated PNG, a zero-byte file and a missing file', async () => {
    const full = encodePng(image(16, 16, 3));
    const truncated = join(dir, 'truncated.png');
    await writeFile(truncated, full.subarray(0, Math.floor(full.length / 2)));
    const empty = join(dir, 'empty.png');
    await writeFile(empty, Buffer.alloc(0));
    for (const [path, pattern] of [
      [truncated, /truncated PNG/],
      [empty, /empty file/],
      [join(dir, 'missing.png'), /cannot read/],
    ] as const) {
      const r = await rejection(decodeImageFile(path));
      expect(r.code).toBe('bad-image');
      expect(r.message).toContain(path);
      expect(r.message).toMatch(pattern);
    }
  });

  it('refuses a PNG whose header is over the pixel limit before inflating it', () => {
    const buf = Buffer.from(encodePng(image(4, 4, 1)));
    buf.writeUInt32BE(20000, 16);
    buf.writeUInt32BE(20000, 20);
    let code = '';
    try {
      decodeImageBuffer(buf, 'huge.png');
    } catch (e) {
      code = isEngineError(e) ? e.code : 'other';
    }
    expect(code).toBe('image-too-large');
  });
});
