/**
 * A real out-of-memory failure on WASM: training at 256 px with batch 256, 64 filters and the
 * SSIM reconstruction term (its blurs hold several copies of the batch) exhausts the WASM
 * memory. (With the squared error alone, that setting ran on into its second epoch once the
 * padding had moved to the engine's own kernels.) The page must explain it and suggest a
 * smaller setting, start a backend afresh (the broken WASM module is dropped; here a new one
 * aborts again, so the next backend that works is chosen), and keep the images and the model
 * trained before, which must still inspect. One WASM thread: the threaded build's memory is
 * shared, reserved up to 4 GB at the start, and there the same setting fits and trains (slowly).
 */
import { expect, test, TINY } from './fixtures';

test('a real WASM out-of-memory: explained, a smaller setting suggested, a backend started afresh, the earlier model and images kept', async ({ app, page }) => {
  await app.open({ backend: 'wasm', threads: 1, ...TINY, epochs: 2 });
  await app.tryDemo();
  await app.train();
  const modelText = (await page.getByTestId('model-info').textContent()) ?? '';
  expect(modelText).toMatch(/^Model: 16px colour/);

  await page.getByText('Advanced').click();
  await page.getByLabel('Working size').selectOption('256');
  await page.getByLabel('Filters').fill('64');
  await page.getByLabel('Batch size').fill('256');
  await page.getByLabel('Reconstruction error').selectOption('ssim');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await app.expectState('error', 180_000);
  await expect(app.status).toContainText('Training failed: training at 256×256 px in batches of 256 ran out of memory');
  await expect(app.status).toContainText('Try a working size of 128×128 or a batch size of 128.');
  await expect(page.getByTestId('notice')).toContainText('The ML backend failed: the WASM backend ran out of memory');
  await expect(page.getByTestId('notice')).toContainText('Started again, now on');
  await expect(page.getByTestId('notice')).toContainText('Your images and the trained model are kept.');
  await app.shot('r08-real-out-of-memory');

  await expect(page.getByTestId('model-info')).toHaveText(modelText);
  await expect(page.getByTestId('normal-summary')).toContainText('40 normal images');
  await page.getByRole('button', { name: 'Dismiss' }).first().click();
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="hole"]'));
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  expect(await app.overlayColours()).toBeGreaterThan(16);
});
