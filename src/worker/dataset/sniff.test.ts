import { describe, expect, it } from 'vitest';
import { corruptPng, hugePng, makeJpeg, makePng, withExifOrientation } from '../../../e2e/bad-files';
import { avifHeader, bmpHeader, gifHeader, webpHeader } from '../../../e2e/header-files';
import { makeTiff, tiffHeaderOnly } from '../../../e2e/tiff-writer';
import { isEngineError } from '../../engine/errors';
import { checkFile } from './decode';
import { HEAD_BYTES, sniff, TAIL_BYTES } from './sniff';

const of = (b: Uint8Array) => sniff(b.subarray(0, HEAD_BYTES), b.subarray(Math.max(0, b.length - TAIL_BYTES)), b.length);

describe('sniff (what a file is, from its bytes)', () => {
  it('reads PNG and JPEG sizes from the header, EXIF segment or not', () => {
    expect(of(makePng(7, 5, 2, 16, () => 0.5))).toEqual({ kind: 'image', format: 'png', width: 7, height: 5, complete: true });
    const jpg = withExifOrientation(makeJpeg(24, 8, () => [1, 0, 0]), 6);
    expect(of(jpg)).toEqual({ kind: 'image', format: 'jpeg', width: 24, height: 8, complete: true });
    expect(of(hugePng())).toMatchObject({ width: 10_000, height: 10_000, complete: true });
  });

  it('names empty, text, PDF and unknown files, and finds files cut short', () => {
    expect(of(new Uint8Array(0))).toEqual({ kind: 'empty' });
    expect(of(new TextEncoder().encode('hello\nworld'))).toEqual({ kind: 'other', what: 'a text file' });
    expect(of(new TextEncoder().encode('%PDF-1.7 ...'))).toEqual({ kind: 'other', what: 'a PDF document' });
    expect(of(Uint8Array.from([0, 1, 2, 3, 200, 201]))).toMatchObject({ kind: 'other', what: expect.stringMatching(/not in an image format this app reads \(.*, TIFF\)/) });
    const png = makePng(8, 8, 0, 8, (x) => x / 8);
    expect(of(png.subarray(0, png.length - 20))).toMatchObject({ format: 'png', complete: false });
    const jpg = makeJpeg(16, 16, () => [0.2, 0.4, 0.6]);
    expect(of(jpg.subarray(0, jpg.length - 10))).toMatchObject({ format: 'jpeg', complete: false });
  });

  it('leaves damage inside a structurally complete PNG to the decoder', () => {
    expect(of(corruptPng())).toMatchObject({ kind: 'image', format: 'png', complete: true });
  });
});

describe('sniff: image sizes from the header, for every format read', () => {
  const size = (b: Uint8Array) => {
    const s = of(b);
    return s.kind === 'image' ? [s.format, s.width, s.height] : s;
  };

  it('WebP: VP8X 24-bit canvas, VP8L 14-bit packed, VP8 lossy frame header', () => {
    expect(size(webpHeader('VP8X', 30_000, 30_000))).toEqual(['webp', 30_000, 30_000]);
    expect(size(webpHeader('VP8X', 1, 16_777_216))).toEqual(['webp', 1, 16_777_216]);
    // VP8L and lossy VP8 cannot say more than 16,384 (14 bits): that is already 268 megapixels.
    expect(size(webpHeader('VP8L', 16_384, 16_384))).toEqual(['webp', 16_384, 16_384]);
    expect(size(webpHeader('VP8L', 640, 3))).toEqual(['webp', 640, 3]);
    expect(size(webpHeader('VP8 ', 16_383, 9_000))).toEqual(['webp', 16_383, 9_000]);
  });

  it('GIF logical screen, BMP info and core headers (negative height = top-down)', () => {
    expect(size(gifHeader(30_000, 20_000))).toEqual(['gif', 30_000, 20_000]);
    expect(size(bmpHeader(30_000, -30_000))).toEqual(['bmp', 30_000, 30_000]);
    expect(size(bmpHeader(300, 200))).toEqual(['bmp', 300, 200]);
    expect(size(bmpHeader(40_000, 1_500, 'core'))).toEqual(['bmp', 40_000, 1_500]);
  });

  it('AVIF: the largest ispe under meta -> iprp -> ipco', () => {
    expect(size(avifHeader([{ width: 160, height: 90 }, { width: 30_000, height: 20_000 }, { width: 30_000, height: 10 }]))).toEqual(['avif', 30_000, 20_000]);
    expect(size(avifHeader([]))).toEqual(['avif', null, null]);
  });

  it('TIFF: IFD0 width and length, SHORT or LONG, both byte orders; BigTIFF is named and refused', () => {
    expect(size(tiffHeaderOnly(30_000, 30_000, 'II', 'short'))).toEqual(['tiff', 30_000, 30_000]);
    expect(size(tiffHeaderOnly(30_000, 70_000, 'MM', 'long'))).toEqual(['tiff', 30_000, 70_000]);
    expect(size(tiffHeaderOnly(300, 20, 'MM', 'short'))).toEqual(['tiff', 300, 20]);
    expect(size(makeTiff({ width: 7, height: 2, samples: 3, bits: 16, sample: () => 0 }, 'MM'))).toEqual(['tiff', 7, 2]);
    expect(of(Uint8Array.from([0x4d, 0x4d, 0, 0x2b, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16]))).toEqual({ kind: 'unsupported', reason: expect.stringMatching(/^a BigTIFF image/) });
  });

  it('gives no size for a header cut before it, so the decoder checks instead', () => {
    expect(size(webpHeader('VP8X', 30_000, 30_000).subarray(0, 22))).toEqual(['webp', null, null]);
    expect(size(tiffHeaderOnly(30_000, 30_000, 'II', 'long').subarray(0, 12))).toEqual(['tiff', null, null]);
  });

  it('checkFile refuses a 30,000 x 30,000 header of any format before decoding, with the size message', async () => {
    const huge = [webpHeader('VP8X', 30_000, 30_000), webpHeader('VP8L', 16_384, 16_384), gifHeader(30_000, 30_000), bmpHeader(30_000, -30_000), avifHeader([{ width: 30_000, height: 30_000 }]), tiffHeaderOnly(30_000, 30_000, 'MM', 'long')];
    for (const file of huge) {
      const refusal = await checkFile(new Blob([new Uint8Array(file)])).then(
        () => null,
        (e: unknown) => (isEngineError(e, 'image-too-large') ? e.message : String(e)),
      );
      expect(refusal).toMatch(/^\d+ x \d+ pixels is above the limit of 40 megapixels; downscale it first/);
    }
    await expect(checkFile(new Blob([new Uint8Array(webpHeader('VP8X', 640, 480))]))).resolves.toBe('webp');
  });
});

