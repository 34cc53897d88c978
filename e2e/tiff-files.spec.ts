/**
 * TIFF files, which browsers cannot decode, read by the worker: 8 and 16-bit gray and RGB normal
 * images (uncompressed, LZW, Deflate, one with two pages), trained on (WASM, tiny), then a 16-bit
 * TIFF test image inspected and its pixels checked. Then a 30,000 x 30,000 WebP header and a
 * JPEG-compressed TIFF are refused with their reasons while what was loaded stays.
 */
import { expect, test, TINY } from './fixtures';
import { webpHeader } from './header-files';
import type { FilePayload } from './images';
import { makeTiff, type TiffCompression } from './tiff-writer';
import { mulberry32 } from '../src/engine/data/random';

const SIDE = 32;

/** The striped texture of images.ts as [0, 1] samples (gray: the red channel), a dark blob when defective. */
function texture(seed: number, defect = false): (x: number, y: number, s: number) => number {
  const r = mulberry32(seed);
  const phase = r() * 8;
  const values = Array.from({ length: SIDE * SIDE }, (_, i) => {
    const x = i % SIDE;
    const y = Math.floor(i / SIDE);
    const stripe = Math.sin(((x + y + phase) / 8) * Math.PI * 2) * 0.5 + 0.5;
    const blob = defect && (x - SIDE * 0.6) ** 2 + (y - SIDE * 0.4) ** 2 < (SIDE * 0.15) ** 2;
    return blob ? 10 / 255 : (60 + stripe * 140 + (r() - 0.5) * 20) / 255;
  });
  return (x, y, s) => (values[y * SIDE + x] ?? 0) * [1, 0.8, 0.6][s]!;
}

function tiff(name: string, seed: number, o: { samples: 1 | 3; bits: 8 | 16; compression?: TiffCompression; pages?: number; defect?: boolean }): FilePayload {
  const max = o.bits === 8 ? 255 : 65535;
  const sample = texture(seed, o.defect);
  const page = { width: SIDE, height: SIDE, samples: o.samples, bits: o.bits, compression: o.compression, sample: (x: number, y: number, s: number) => Math.round(sample(x, y, s) * max) };
  const pages = Array.from({ length: o.pages ?? 1 }, () => page);
  return { name, mimeType: 'image/tiff', buffer: makeTiff(pages, seed % 2 === 0 ? 'II' : 'MM') };
}

const NORMAL: FilePayload[] = [
  tiff('gray8_a.tif', 100, { samples: 1, bits: 8 }),
  tiff('gray8_b.tif', 101, { samples: 1, bits: 8, compression: 'packbits' }),
  tiff('gray16_a.tif', 102, { samples: 1, bits: 16 }),
  tiff('gray16_b.tif', 103, { samples: 1, bits: 16, compression: 'deflate' }),
  tiff('rgb8_a.tif', 104, { samples: 3, bits: 8, compression: 'lzw' }),
  tiff('rgb8_b.tif', 105, { samples: 3, bits: 8 }),
  tiff('rgb16_a.tif', 106, { samples: 3, bits: 16, compression: 'deflate' }),
  tiff('rgb16_b.tif', 107, { samples: 3, bits: 16, compression: 'lzw' }),
  tiff('two_pages.tif', 108, { samples: 3, bits: 8, pages: 2 }),
];

test('TIFF files are trained on and inspected; a huge WebP header is refused and what was loaded stays', async ({ app, page }) => {
  await app.open({ backend: 'wasm', ...TINY, epochs: 4 });
  expect(await app.backend()).toBe('wasm');

  await page.getByLabel('Normal images', { exact: true }).setInputFiles(NORMAL);
  await expect(page.getByTestId('normal-summary')).toContainText(`${NORMAL.length} normal images · colour`);
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  await expect(page.getByTestId('notice')).toHaveAttribute('data-kind', 'file-notes');
  await expect(page.getByTestId('notice')).toContainText('two_pages.tif: multi-page TIFF: the first of 2 pages was used');

  const dented = tiff('dented16.tif', 999, { samples: 3, bits: 16, compression: 'lzw', defect: true });
  await page.getByLabel('Test images', { exact: true }).setInputFiles([dented]);
  const item = page.getByTestId('test-item').filter({ hasText: 'dented16.tif' });
  await expect(item).toHaveCount(1);
  await app.train();
  await app.inspect(item);
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  expect(await app.overlayColours()).toBeGreaterThan(16);
  await app.shot('10-tiff-files');

  // The worker's stored pixels of the 16-bit test image: samples scaled 255 / 65535, nothing else.
  const stored = await page.evaluate(async (side) => {
    const hook = window.__manifoldLens;
    const id = hook?.tests()[0]?.id;
    return id === undefined || !hook ? null : hook.testImage(id, side);
  }, SIDE);
  const sample = texture(999, true);
  const want = Array.from({ length: SIDE * SIDE * 3 }, (_, i) => Math.round(Math.round(sample((i / 3 | 0) % SIDE, Math.floor(i / 3 / SIDE), i % 3) * 65535) / 257) / 255);
  expect(stored?.channels).toBe(3);
  const worst = Math.max(...(stored?.data ?? [1]).map((v, i) => Math.abs(v - (want[i] ?? 0))));
  expect(worst).toBeLessThan(1.5 / 255);

  const refused = [
    { name: 'huge.webp', mimeType: 'image/webp', buffer: webpHeader('VP8X', 30_000, 30_000) },
    { name: 'scan.tif', mimeType: 'image/tiff', buffer: makeTiff({ width: 8, height: 8, samples: 3, bits: 8, compression: 7, sample: () => 0 }) },
  ];
  // Training folded the normal images area: unfold it to drop more.
  await page.locator('button.unfold').click();
  await page.getByLabel('Normal images', { exact: true }).setInputFiles(refused);
  const rejected = page.getByTestId('rejected');
  await expect(rejected).toContainText('2 files refused');
  await expect(rejected).toContainText('huge.webp: 30000 x 30000 pixels is above the limit of 40 megapixels');
  await expect(rejected).toContainText('scan.tif: TIFF with JPEG compression (7) is not supported; save it as uncompressed, LZW or Deflate TIFF, or as PNG');
  await expect(page.getByTestId('normal-summary')).toContainText(`${NORMAL.length} normal images · colour · trained`);
  await expect(page.getByTestId('test-item')).toHaveCount(1);
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  await app.shot('11-tiff-refused');
});
