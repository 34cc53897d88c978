/**
 * Model files from elsewhere, on WASM: foreign and old files are refused with a
 * reason and the loaded model keeps working; a model of another working size and channel count
 * than the test images is accepted and the test images are converted to it (the documented rule:
 * test images always follow the model's working size, channels and layout).
 */
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from '@playwright/test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { makePng } from './bad-files';
import { expect, test, TINY, AppPage } from './fixtures';
import { normalFiles, texturePng } from './images';

async function downloaded(p: Page, button: Locator): Promise<Buffer> {
  const [dl] = await Promise.all([p.waitForEvent('download'), button.click()]);
  return readFileSync((await dl.path()) ?? '');
}

/** A grayscale 32 px model, trained and exported in its own browser context. */
async function grayModelFile(browser: Browser): Promise<Buffer> {
  const context = await browser.newContext();
  try {
    const other = new AppPage(await context.newPage());
    await other.open({ backend: 'wasm', ...TINY, size: 32, epochs: 2 });
    const gray = Array.from({ length: 6 }, (_, i) => ({
      name: `gray_${i}.png`,
      mimeType: 'image/png',
      buffer: makePng(32, 32, 0, 8, (x, y) => 0.5 + 0.4 * Math.sin((x + y + i) / 3)),
    }));
    await other.page.getByLabel('Normal images', { exact: true }).setInputFiles(gray);
    await expect(other.page.getByTestId('normal-summary')).toContainText('6 normal images · grayscale');
    await other.train();
    await expect(other.page.getByTestId('model-info')).toContainText('Model: 32px grayscale');
    return await downloaded(other.page, other.page.getByRole('button', { name: 'Export model' }));
  } finally {
    await context.close();
  }
}

test('foreign and old model files are refused; a model of another size and channel count converts the test images', async ({ app, page, browser }) => {
  const grayZip = await grayModelFile(browser);

  await app.open({ backend: 'wasm', ...TINY, epochs: 2 });
  await app.trainAndInspectOwn(normalFiles(6), { name: 'dented-48.png', mimeType: 'image/png', buffer: texturePng(999, 48, true) });
  await expect(page.getByTestId('normal-summary')).toContainText('6 normal images · colour');
  const colourModel = (await page.getByTestId('model-info').textContent()) ?? '';
  expect(colourModel).toMatch(/^Model: 16px colour/);

  const parts = unzipSync(grayZip);
  const modelJson = JSON.parse(strFromU8(parts['model.json'] ?? new Uint8Array()));
  const layersModel = { format: 'layers-model', generatedBy: 'keras v2.15.0', modelTopology: { class_name: 'Sequential' }, weightsManifest: [] };
  const foreign: { name: string; bytes: Uint8Array; says: RegExp }[] = [
    { name: 'a Keras / TF.js Layers model', bytes: zipSync({ 'model.json': strToU8(JSON.stringify(layersModel)), 'weights.bin': new Uint8Array(16) }), says: /The file was refused: ./ },
    { name: 'a model.json on its own', bytes: strToU8(JSON.stringify(layersModel)), says: /not a zip/i },
    { name: 'an old file without a format version', bytes: zipSync({ ...parts, 'model.json': strToU8(JSON.stringify({ ...modelJson, meta: { ...modelJson.meta, formatVersion: undefined } })) }), says: /format version/i },
  ];
  for (const f of foreign) {
    await page.getByLabel('Model file').setInputFiles({ name: 'model.zip', mimeType: 'application/zip', buffer: Buffer.from(f.bytes) });
    await expect(page.getByTestId('model-file-error'), f.name).toContainText(f.says);
    await expect(page.getByTestId('model-file-error'), f.name).toContainText('The loaded model is unchanged');
    await expect(page.getByTestId('model-info')).toHaveText(colourModel);
  }
  await app.shot('r09-foreign-model');
  await page.getByRole('button', { name: 'Dismiss' }).first().click();

  await page.getByLabel('Model file').setInputFiles({ name: 'gray-32.zip', mimeType: 'application/zip', buffer: grayZip });
  await expect(page.getByTestId('model-info')).toContainText('Model: 32px grayscale');
  // A colour test image of yet another size and aspect, inspected with the gray 32 px model.
  const wide = makePng(60, 20, 2, 8, (x, _y, s) => (s === 0 ? x / 60 : 0.3));
  await page.getByLabel('Test images', { exact: true }).setInputFiles([{ name: 'wide-60x20.png', mimeType: 'image/png', buffer: wide }]);
  const second = page.getByTestId('test-item').filter({ hasText: 'wide-60x20.png' });
  await app.inspect(second);
  const map = await app.lastMap();
  // Letterboxed into the model's 32 x 32, aspect kept: the map is the image's 32 x 11 part.
  expect([map?.width, map?.height]).toEqual([32, 11]);
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  const id = await second.getAttribute('data-id');
  const working = await page.evaluate((testId) => window.__manifoldLens!.testImage(testId ?? '', 32), id);
  expect([working.width, working.channels]).toEqual([32, 1]);
  await expect(page.getByTestId('normal-summary')).toContainText('6 normal images');
});
