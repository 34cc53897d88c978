/**
 * Images at their own resolution (WASM): whole images keep their aspect ratio, and large photos
 * are trained on as patches and inspected tile by tile, the map drawn over the full image.
 */
import { expect, meanInsideOutside, test, type Field } from './fixtures';
import { makeJpeg, makePng } from './bad-files';
import type { FilePayload } from './images';
import { mulberry32 } from '../src/engine/data/random';

/** A wood-like photo texture in [0, 1]: wavy grain and a little noise, different per seed. */
function grain(seed: number, width: number): (x: number, y: number) => [number, number, number] {
  const r = mulberry32(seed);
  const phase = r() * 6;
  const k = (2 * Math.PI * 8) / width;
  return (x, y) => {
    const v = 0.45 + 0.2 * Math.sin(x * k + 2 * Math.sin(y * k * 0.3 + phase)) + (r() - 0.5) * 0.06;
    return [v * 1.1, v * 0.85, v * 0.6];
  };
}

/** The texture with a dark disc of radius `radius` at (cx, cy). */
function withDisc(tex: (x: number, y: number) => [number, number, number], cx: number, cy: number, radius: number) {
  return (x: number, y: number): [number, number, number] => ((x - cx) ** 2 + (y - cy) ** 2 < radius ** 2 ? [0.05, 0.05, 0.08] : tex(x, y));
}

function discMask(map: Field, cx: number, cy: number, radius: number): Field {
  const data = Array.from({ length: map.width * map.height }, (_, i) => ((i % map.width) + 0.5 - cx) ** 2 + (Math.floor(i / map.width) + 0.5 - cy) ** 2 < radius ** 2 ? 1 : 0);
  return { width: map.width, height: map.height, data };
}

const jpegFile = (name: string, width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): FilePayload => ({ name, mimeType: 'image/jpeg', buffer: makeJpeg(width, height, rgb) });

test('whole-image mode keeps a 2:1 image\'s aspect ratio: the bright spot of the map is where the defect is, near the right edge', async ({ app, page }) => {
  await app.open({ backend: 'wasm', size: 32, latent: 16, epochs: 10, batch: 4, lr: 0.003, iterations: 6 });
  const png = (seed: number, defect: boolean): Buffer => {
    const tex = grain(seed, 128);
    const f = defect ? withDisc(tex, 110, 32, 8) : tex;
    return makePng(128, 64, 2, 8, (x, y, s) => f(x, y)[s] ?? 0);
  };
  const normal = Array.from({ length: 8 }, (_, i) => ({ name: `wide_${i}.png`, mimeType: 'image/png', buffer: png(10 + i, false) }));
  await app.trainAndInspectOwn(normal, { name: 'wide_defect.png', mimeType: 'image/png', buffer: png(99, true) });
  await expect(page.getByTestId('model-info')).toContainText('whole images, aspect kept');
  const map = await app.lastMap();
  if (!map) throw new Error('no map');
  // 128 x 64 fitted into 32 x 32 is 32 x 16: the letterbox's bands are not in the map.
  expect([map.width, map.height]).toEqual([32, 16]);
  const peak = map.data.indexOf(Math.max(...map.data));
  expect(peak % map.width).toBeGreaterThanOrEqual(24);
  const { inside, outside } = meanInsideOutside(map, discMask(map, (110 / 128) * 32, (32 / 64) * 16, 2.5));
  expect(inside).toBeGreaterThan(2 * outside);
  await app.shot('13-whole-aspect');
});

test('a 1600 x 1200 photo trained in patch mode: the overlay is drawn at full resolution and aligned with the defect; a 4000 x 3000 JPEG is inspected too', async ({ app, page }) => {
  await app.open({ backend: 'wasm', size: 32, latent: 16, epochs: 4, batch: 8, lr: 0.003, iterations: 6, mode: 'patches' });
  const normal = Array.from({ length: 6 }, (_, i) => jpegFile(`board_${i}.jpg`, 1600, 1200, grain(20 + i, 1600)));
  await page.getByLabel('Normal images', { exact: true }).setInputFiles(normal);
  await expect(page.getByTestId('normal-summary')).toContainText('6 normal images');
  // Auto scale: 1600 px at 1/16 is 100 px, within 4 tiles of 32 px.
  await expect(page.getByTestId('layout-summary')).toContainText('patches of 32 px at 1/16, stride 16 · 24 tiles for 1600×1200');
  const defect = jpegFile('board_defect.jpg', 1600, 1200, withDisc(grain(77, 1600), 1200, 500, 96));
  await page.getByLabel('Test images', { exact: true }).setInputFiles([defect]);
  await app.train();
  await expect(page.getByTestId('model-info')).toContainText('patches of 32 px at 1/16');
  const item = page.getByTestId('test-item').filter({ hasText: 'board_defect.jpg' });
  const tileProgress = await app.watchTexts('tile-progress');
  await item.click();
  await app.expectShown(tileProgress, /Projecting 24 tiles together/);
  await app.expectState('done', 180_000);
  // The whole image's x_t and map came every other step: the projection animated.
  expect(await page.evaluate(() => window.__manifoldLens?.projectionSteps())).toBeGreaterThanOrEqual(3);

  const canvas = page.getByRole('img', { name: 'Anomaly overlay', exact: true });
  expect(await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([1600, 1200]);
  const map = await app.lastMap();
  if (!map) throw new Error('no map');
  expect([map.width, map.height]).toEqual([100, 75]);
  const { inside, outside } = meanInsideOutside(map, discMask(map, 1200 / 16, 500 / 16, 96 / 16));
  expect(inside).toBeGreaterThan(2 * outside);
  await app.shot('14-patch-overlay');

  // The sliders re-run the tiled projection on the same photo.
  const slider = page.getByLabel('Iterations', { exact: true });
  await slider.focus();
  for (let i = 0; i < 2; i++) await slider.press('ArrowRight');
  await expect
    .poll(async () => {
      const state = await app.status.getAttribute('data-state');
      const again = state === 'done' ? await app.lastMap() : null;
      return again !== null && again.width === 100 && again.data.some((v, i) => Math.abs(v - (map.data[i] ?? 0)) > 1e-6);
    }, { timeout: 120_000 })
    .toBe(true);
  await expect(page.getByRole('alert')).toHaveCount(0);

  // 12 megapixels: decoded in the worker, kept small, tiled at the model's scale (250 x 188).
  await page.getByLabel('Test images', { exact: true }).setInputFiles([jpegFile('big_4000x3000.jpg', 4000, 3000, withDisc(grain(5, 4000), 1000, 2000, 200))]);
  const big = page.getByTestId('test-item').filter({ hasText: 'big_4000x3000.jpg' });
  const bigProgress = await app.watchTexts('tile-progress');
  await big.click();
  await app.expectShown(bigProgress, /Projecting \d+ tiles together/);
  await app.expectState('done', 300_000);
  const bigMap = await app.lastMap();
  expect([bigMap?.width, bigMap?.height]).toEqual([250, 188]);
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
