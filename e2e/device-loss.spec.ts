/**
 * A lost WebGPU device, on WebGPU: the test hook destroys the worker's device
 * after a model was trained; the page must say so, move to the next backend (WASM) and keep the
 * dataset and the model, which then inspects on the new backend.
 */
import { expect, test, TINY } from './fixtures';
import { normalFiles, texturePng } from './images';

test('the WebGPU device is lost: the app says so, moves to WASM and keeps the images and the model', async ({ app, page }) => {
  await app.open({ backend: 'webgpu', ...TINY, epochs: 2 });
  expect(await app.backend()).toBe('webgpu');
  await app.trainAndInspectOwn(normalFiles(6), { name: 'dented.png', mimeType: 'image/png', buffer: texturePng(999, 32, true) });
  const modelText = await page.getByTestId('model-info').textContent();
  const tensors = await page.evaluate(() => window.__manifoldLens!.numTensors());
  // WebGPU's projections keep nothing (their gradients take tfjs's own kernels).
  expect(await page.evaluate(() => window.__manifoldLens!.keptTensors())).toBe(0);

  const lost = await page.evaluate(() => window.__manifoldLens!.debug({ kind: 'loseDevice' }));
  expect(lost.done).toBe(true);
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('The GPU stopped working', { timeout: 60_000 });
  await expect(notice).toContainText('Switched to WASM');
  await expect(notice).toContainText('Your images and the trained model are kept.');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  expect(await app.backend()).toBe('wasm');
  await app.shot('r07-device-lost');

  await expect(page.getByTestId('normal-summary')).toContainText('6 normal images');
  await expect(page.getByTestId('model-info')).toHaveText(modelText ?? '');
  await page.getByLabel('Test images', { exact: true }).setInputFiles([{ name: 'second.png', mimeType: 'image/png', buffer: texturePng(998, 32, true) }]);
  await app.inspect(page.getByTestId('test-item').filter({ hasText: 'second.png' }));
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  expect(await app.overlayColours()).toBeGreaterThan(16);
  // The rebuilt model holds as many tensors as the lost one did, and on WASM what its projections
  // keep derived from the weights (W^T of the dense layers, flipped filters: kept-weights.ts).
  const kept = await page.evaluate(() => window.__manifoldLens!.keptTensors());
  expect(kept).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.__manifoldLens!.numTensors())).toBe(tensors + kept);
  await page.getByRole('button', { name: 'Dismiss' }).first().click();
  await expect(page.getByTestId('notice')).toHaveCount(0);
});
