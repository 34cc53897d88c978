/** The same flow on the fallback path (backend=wasm): demo, train, inspect a defective image. */
import { expect, test, TINY } from './fixtures';

test('the main flow passes on WASM', async ({ app, page }) => {
  await app.open({ backend: 'wasm', ...TINY, epochs: 4 });
  expect(await app.backend()).toBe('wasm');
  await expect(page.getByTestId('backend')).toContainText('WASM');
  // The preview server sends COOP and COEP, so WASM runs one thread per core (up to 4).
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (cores > 1) await expect(page.getByTestId('backend')).toContainText(`WASM, ${Math.min(4, cores)} threads`);
  // The SIMD convolution kernels run, on one helper thread per extra WASM thread, and agree with tfjs.
  const { simd } = await page.evaluate(() => window.__manifoldLens!.debug({ kind: 'simdCheck' }));
  expect(simd?.linked).toBe(true);
  expect(simd?.helpers).toBe(Math.min(4, cores) - 1);
  expect(simd?.maxRelativeError).toBeLessThan(1e-5);
  await app.tryDemo();
  await app.train();
  const history = await app.history();
  expect(history[history.length - 1]?.loss ?? NaN).toBeLessThan(history[0]?.loss ?? NaN);
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="hole"]'));
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  expect(await app.overlayColours()).toBeGreaterThan(16);
  await app.shot('09-wasm');
});

test('a spatial bottleneck chosen in the settings trains, is named on the model card and scores', async ({ app, page }) => {
  await app.open({ backend: 'wasm', ...TINY, epochs: 2 });
  await page.getByText('Advanced').click();
  await expect(page.getByLabel('Latent size')).toBeVisible();
  await page.getByLabel('Bottleneck').selectOption('spatial');
  // Each bottleneck brings its own latent size: channels per cell of the smallest map.
  await expect(page.getByLabel('Latent channels per cell')).toHaveValue('4');
  await app.shot('09-spatial-settings');
  await app.tryDemo();
  await app.train();
  await expect(page.getByTestId('model-info')).toContainText('spatial latent, 4 per cell');
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="hole"]'));
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
});
