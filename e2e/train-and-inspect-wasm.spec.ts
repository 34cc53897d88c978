/** The same flow on the fallback path (backend=wasm): demo, train, inspect a defective image. */
import { expect, test, TINY } from './fixtures';

test('the main flow passes on WASM', async ({ app, page }) => {
  await app.open({ backend: 'wasm', ...TINY, epochs: 4 });
  expect(await app.backend()).toBe('wasm');
  await expect(page.getByTestId('backend')).toContainText('WASM');
  await app.tryDemo();
  await app.train();
  const history = await app.history();
  expect(history[history.length - 1]?.loss ?? NaN).toBeLessThan(history[0]?.loss ?? NaN);
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="hole"]'));
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  expect(await app.overlayColours()).toBeGreaterThan(16);
  await app.shot('09-wasm');
});
