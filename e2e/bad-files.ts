/**
 * Files for the robustness tests, made in the test: damaged, disguised, empty, huge and unusual
 * images. PNGs are written chunk by chunk here (zlib + crc32) so any bit depth, colour type or
 * size can be produced cheaply: a 10,000 x 10,000 1-bit image is a few kilobytes.
 */
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import type { FilePayload } from './images';
import { texturePng } from './images';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples per pixel of each PNG colour type. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * A PNG from a sample function: colorType 0 gray, 2 RGB, 4 gray+alpha, 6 RGBA; bitDepth 1, 8 or
 * 16 (1 only for gray). sample(x, y, s) gives sample s of pixel (x, y) in [0, 1].
 */
export function makePng(width: number, height: number, colorType: 0 | 2 | 4 | 6, bitDepth: 1 | 8 | 16, sample: (x: number, y: number, s: number) => number): Buffer {
  const n = SAMPLES[colorType] ?? 1;
  const rowBytes = Math.ceil((width * n * bitDepth) / 8);
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1) + 1;
    for (let x = 0; x < width; x++) {
      for (let s = 0; s < n; s++) {
        const v = Math.max(0, Math.min(1, sample(x, y, s)));
        if (bitDepth === 16) raw.writeUInt16BE(Math.round(v * 65535), row + (x * n + s) * 2);
        else if (bitDepth === 8) raw[row + x * n + s] = Math.round(v * 255);
        else if (v >= 0.5) raw[row + (x >> 3)] = (raw[row + (x >> 3)] ?? 0) | (0x80 >> (x & 7));
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIG, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A 10,000 x 10,000 (by default) black 1-bit PNG: 100 megapixels in a few kilobytes. */
export function hugePng(side = 10_000): Buffer {
  return makePng(side, side, 0, 1, () => 0);
}

/** A JPEG (jpeg-js) from an RGB function in [0, 1]. */
export function makeJpeg(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      data.set([r * 255, g * 255, b * 255, 255], (y * width + x) * 4);
    }
  }
  return Buffer.from(jpeg.encode({ width, height, data }, 95).data);
}

/** The JPEG with an EXIF APP1 segment (big-endian TIFF, one IFD entry: Orientation) after SOI. */
export function withExifOrientation(jpg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'ascii');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpg.subarray(0, 2), header, payload, jpg.subarray(2)]);
}

/** A PNG whose compressed pixel data is overwritten with noise (structure and end marker intact). */
export function corruptPng(): Buffer {
  const png = Buffer.from(texturePng(5, 32));
  const idat = png.indexOf('IDAT');
  for (let i = idat + 4; i < png.length - 16; i++) png[i] = (i * 7919) & 0xff;
  return png;
}

const file = (name: string, mimeType: string, buffer: Buffer): FilePayload => ({ name, mimeType, buffer });

/** The bad files of one drop, each with the words its reason must contain. */
export function badFiles(): { file: FilePayload; reason: RegExp }[] {
  const png = texturePng(11, 32);
  const jpg = makeJpeg(32, 32, (x, y) => [x / 32, y / 32, 0.5]);
  return [
    { file: file('scan.png', 'image/png', Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n')), reason: /PDF document, not an image/ },
    { file: file('notes.jpg', 'image/jpeg', Buffer.from('These are my notes, not a photo.\n')), reason: /text file, not an image/ },
    { file: file('empty.png', 'image/png', Buffer.alloc(0)), reason: /empty \(0 bytes\)/ },
    { file: file('half.png', 'image/png', png.subarray(0, Math.floor(png.length / 2))), reason: /PNG file is cut short \(truncated\)/ },
    { file: file('half.jpg', 'image/jpeg', jpg.subarray(0, Math.floor(jpg.length / 2))), reason: /JPEG file is cut short \(truncated\)/ },
    { file: file('noise.png', 'image/png', corruptPng()), reason: /damaged/ },
    { file: file('huge.png', 'image/png', hugePng()), reason: /10000 x 10000 pixels is above the limit of 40 megapixels/ },
  ];
}
