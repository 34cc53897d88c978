import { describe, expect, it } from 'vitest';
import { corruptPng, hugePng, makeJpeg, makePng, withExifOrientation } from '../../../e2e/bad-files';
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
    expect(of(Uint8Array.from([0, 1, 2, 3, 200, 201]))).toMatchObject({ kind: 'other', what: expect.stringMatching(/not in an image format/) });
    const png = makePng(8, 8, 0, 8, (x) => x / 8);
    expect(of(png.subarray(0, png.length - 20))).toMatchObject({ format: 'png', complete: false });
    const jpg = makeJpeg(16, 16, () => [0.2, 0.4, 0.6]);
    expect(of(jpg.subarray(0, jpg.length - 10))).toMatchObject({ format: 'jpeg', complete: false });
  });

  it('leaves damage inside a structurally complete PNG to the decoder', () => {
    expect(of(corruptPng())).toMatchObject({ kind: 'image', format: 'png', complete: true });
  });
});
