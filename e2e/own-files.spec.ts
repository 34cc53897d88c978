/**
 * A person's own files: normal images through the "Normal images"
 * input AND through a real drop event on the drop zone (a non-image in the same drop is refused
 * with its reason, the good files kept), training, then an uploaded test image inspected.
 */
import { expect, test, TINY } from './fixtures';
import { normalFiles, texturePng } from './images';

test('own files by picker and by drop, trained on, then an uploaded test image inspected', async ({ app, page }) => {
  await app.open({ backend: 'webgpu', ...TINY, epochs: 3 });
  expect(await app.backend()).toBe('webgpu');

  await page.getByLabel('Normal images', { exact: true }).setInputFiles(normalFiles(6));
  await expect(page.getByTestId('normal-summary')).toContainText('6 normal images');

  const dropped = [...normalFiles(6, 6), { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') }];
  const payload = dropped.map((f) => ({ name: f.name, type: f.mimeType, b64: f.buffer.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    return dt;
  }, payload);
  const zone = page.getByTestId('normal-drop');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('normal-summary')).toContainText('12 normal images');
  await expect(page.getByTestId('rejected')).toContainText('notes.txt');
  await expect(page.getByTestId('rejected')).toContainText('1 file refused');
  await app.shot('07-own-files');

  await app.train();
  expect((await app.history()).length).toBe(3);

  await page.getByLabel('Test images', { exact: true }).setInputFiles([{ name: 'dented.png', mimeType: 'image/png', buffer: texturePng(999, 32, true) }]);
  const item = page.getByTestId('test-item').filter({ hasText: 'dented.png' });
  await expect(item).toHaveCount(1);
  await app.inspect(item);
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  expect(await app.overlayColours()).toBeGreaterThan(16);
  await app.shot('08-own-test-image');
});
