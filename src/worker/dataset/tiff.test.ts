import { describe, expect, it } from 'vitest';
import { makeTiff, type TiffPage } from '../../../e2e/tiff-writer';
import { isEngineError } from '../../engine/errors';
import { decodeTiff, tiffNote, toRgba } from './tiff';

const noLimit = (): void => undefined;
const decode = (file: Uint8Array) => decodeTiff(file, noLimit);
/** A pattern that uses every value range: distinct per pixel and sample. */
const pattern = (max: number) => (x: number, y: number, s: number) => (x * 53 + y * 97 + s * 31 + 7) % (max + 1);
const page = (over: Partial<TiffPage>): TiffPage => ({ width: 5, height: 3, samples: 1, bits: 8, sample: pattern(255), ...over });

/** The expected 8-bit channels of a page: 16-bit values scaled by 255 / 65535, rounded. */
function expected(p: TiffPage): number[] {
  const out: number[] = [];
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      for (let s = 0; s < p.samples; s++) out.push(p.bits === 8 ? p.sample(x, y, s) : Math.round((p.sample(x, y, s) * 255) / 65535));
    }
  }
  return out;
}

function refusal(file: Uint8Array): string {
  try {
    decode(file);
  } catch (e) {
    return isEngineError(e, 'bad-image') ? e.message : `not bad-image: ${String(e)}`;
  }
  throw new Error('expected a refusal');
}

describe('decodeTiff: what files hold, exactly', () => {
  it('reads 8 and 16-bit gray, gray + alpha, RGB and RGBA in both byte orders', () => {
    for (const bits of [8, 16] as const) {
      for (const samples of [1, 2, 3, 4] as const) {
        for (const order of ['II', 'MM'] as const) {
          const p = page({ samples, bits, sample: pattern(bits === 8 ? 255 : 65535) });
          const img = decode(makeTiff(p, order));
          expect({ width: img.width, height: img.height, channels: img.channels, pages: img.pages }).toEqual({ width: 5, height: 3, channels: samples, pages: 1 });
          expect(Array.from(img.data)).toEqual(expected(p));
        }
      }
    }
  });

  it('scales 16-bit samples over the full range: 0 -> 0, 257 -> 1, 32896 -> 128, 65535 -> 255', () => {
    const values = [0, 257, 32896, 65535];
    const img = decode(makeTiff(page({ width: 4, height: 1, bits: 16, sample: (x) => values[x] ?? 0 })));
    expect(Array.from(img.data)).toEqual([0, 1, 128, 255]);
  });

  it('reads LZW, Deflate and PackBits strips and tiles the same as uncompressed ones', () => {
    const noisy = (x: number, y: number, s: number) => (Math.imul(x * 7919 + y * 104729 + s * 15485863, 2654435761) >>> 24) & 0xff;
    const big = page({ width: 70, height: 60, samples: 3, sample: (x, y, s) => (y < 50 ? noisy(x, y, s) : (x >> 3) * 16) });
    for (const compression of ['lzw', 'deflate', 'packbits'] as const) {
      for (const layout of [{ rowsPerStrip: 7 }, { rowsPerStrip: 60 }, { tile: 16 }]) {
        const img = decode(makeTiff({ ...big, compression, ...layout }));
        expect(Array.from(img.data)).toEqual(expected(big));
      }
    }
    // A strip long enough for the LZW table to fill and start again (Clear codes mid-strip).
    const noise = page({ width: 100, height: 100, samples: 3, sample: noisy, compression: 'lzw' });
    expect(Array.from(decode(makeTiff(noise)).data)).toEqual(expected(noise));
    const sixteen = page({ width: 20, height: 9, samples: 2, bits: 16, sample: pattern(65535), compression: 'lzw', rowsPerStrip: 4 });
    expect(Array.from(decode(makeTiff(sixteen, 'MM')).data)).toEqual(expected(sixteen));
    expect(Array.from(decode(makeTiff({ ...sixteen, tile: 16 }, 'MM')).data)).toEqual(expected(sixteen));
  });

  it('inverts WhiteIsZero gray and undoes premultiplied alpha', () => {
    const white = decode(makeTiff(page({ width: 3, height: 1, sample: (x) => [0, 55, 255][x] ?? 0, tags: { 262: [0] } })));
    expect(Array.from(white.data)).toEqual([255, 200, 0]);
    const rgba = [100, 50, 0, 128, 0, 0, 0, 0];
    const premultiplied = decode(makeTiff(page({ width: 2, height: 1, samples: 4, sample: (x, _y, s) => rgba[x * 4 + s] ?? 0, tags: { 338: [1] } })));
    expect(Array.from(premultiplied.data)).toEqual([199, 100, 0, 128, 0, 0, 0, 0]);
  });

  it('decodes the first page of a multi-page file and counts the pages', () => {
    const first = page({ sample: () => 10 });
    const img = decode(makeTiff([first, page({ sample: () => 200 }), page({ samples: 3, sample: () => 90 })]));
    expect(img.pages).toBe(3);
    expect(Array.from(img.data)).toEqual(expected(first));
    expect(tiffNote(img)).toBe('multi-page TIFF: the first of 3 pages was used');
    expect(tiffNote(decode(makeTiff(first)))).toBeUndefined();
  });

  it('expands any channel count to RGBA for the canvas', () => {
    expect(Array.from(toRgba({ width: 1, height: 1, channels: 2, data: Uint8Array.from([9, 99]) }))).toEqual([9, 9, 9, 99]);
    expect(Array.from(toRgba({ width: 1, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3]) }))).toEqual([1, 2, 3, 255]);
  });
});

describe('decodeTiff: what it refuses, and why', () => {
  it('names compressions, sample formats and layouts it cannot read', () => {
    expect(refusal(makeTiff(page({ compression: 7 })))).toBe(
      'TIFF with JPEG compression (7) is not supported; save it as uncompressed, LZW or Deflate TIFF, or as PNG',
    );
    expect(refusal(makeTiff(page({ compression: 50000 })))).toMatch(/^TIFF with Zstandard compression \(50000\) is not supported/);
    expect(refusal(makeTiff(page({ samples: 1, tags: { 258: [32], 339: [3] } })))).toMatch(/^TIFF with 32-bit floating-point samples is not supported/);
    expect(refusal(makeTiff(page({ tags: { 258: [4] } })))).toMatch(/^TIFF with 4-bit samples/);
    expect(refusal(makeTiff(page({ samples: 3, tags: { 284: [2] } })))).toMatch(/separate colour planes/);
    expect(refusal(makeTiff(page({ samples: 4, tags: { 262: [5] } })))).toMatch(/^TIFF with CMYK colour \(PhotometricInterpretation 5\)/);
  });

  it('refuses BigTIFF, files cut short and IFDs that point in a loop, without hanging', () => {
    expect(refusal(Uint8Array.from([0x49, 0x49, 0x2b, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0]))).toMatch(/BigTIFF/);
    const file = makeTiff(page({ width: 40, height: 40, bits: 16 }));
    // The IFD is written after the pixels: drop some pixels and point at where the IFD now is.
    const ifdAt = file.readUInt32LE(4);
    const cut = Buffer.concat([file.subarray(0, 8 + 1000), file.subarray(ifdAt)]);
    cut.writeUInt32LE(8 + 1000, 4);
    expect(refusal(cut)).toMatch(/cut short/);
    expect(refusal(file.subarray(0, ifdAt + 20))).toMatch(/cut short/);
    const loop = makeTiff(page({}));
    const count = loop.readUInt16LE(loop.readUInt32LE(4));
    loop.writeUInt32LE(loop.readUInt32LE(4), loop.readUInt32LE(4) + 2 + 12 * count);
    expect(refusal(loop)).toMatch(/loop/);
  });

  it('asks the caller about the size before decompressing', () => {
    const seen: number[][] = [];
    expect(() =>
      decodeTiff(makeTiff(page({ width: 9, height: 4 })), (w, h) => {
        seen.push([w, h]);
        throw new Error('too large');
      }),
    ).toThrow('too large');
    expect(seen).toEqual([[9, 4]]);
  });
});
