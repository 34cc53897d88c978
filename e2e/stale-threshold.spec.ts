/**
 * The threshold is calibrated at the projection settings of training time. Moved far from them,
 * the page says the threshold is stale and marks the verdict; one click recalibrates on the
 * held-out normal images at the current settings, and the verdict is then made at them (WASM).
 * The update rule counts as a setting too.
 */
import { expect, test, TINY } from './fixtures';

test('a slider far from the training settings marks the threshold stale; Recalibrate makes the verdict at the current settings', async ({ app, page }) => {
  await app.open({ backend: 'wasm', ...TINY, epochs: 3 });
  await app.tryDemo();
  await app.train();
  await app.inspect(page.locator('[data-testid="test-item"][data-kind="hole"]'));
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-stale', 'false');
  await expect(page.getByTestId('threshold-stale')).toHaveCount(0);
  const trainedAt = (await page.evaluate(() => window.__manifoldLens!.model()))?.calibratedAt;
  expect(trainedAt?.iterations).toBe(TINY.iterations);

  const slider = page.getByLabel('Iterations', { exact: true });
  await slider.focus();
  for (let i = 0; i < 10; i++) await slider.press('ArrowRight');
  const iterations = Number(await slider.inputValue());
  expect(iterations).toBeGreaterThan(TINY.iterations);
  await expect(page.getByTestId('threshold-stale')).toContainText(`T ${TINY.iterations}`);
  await expect(page.getByTestId('threshold-stale')).toContainText(`T ${iterations}`);
  await app.expectState('done');
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('verdict')).toContainText('threshold from other settings');
  await app.shot('stale-threshold');

  // Recalibrates at the current settings: the notice goes, the verdict is no longer stale; the settings calibrated at.
  const recalibrate = async () => {
    await page.getByRole('button', { name: 'Recalibrate at these settings' }).click();
    await expect(page.getByTestId('threshold-stale')).toHaveCount(0, { timeout: 120_000 });
    await app.expectState('done');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-stale', 'false');
    return (await page.evaluate(() => window.__manifoldLens!.model()))?.calibratedAt;
  };
  expect(await recalibrate()).toEqual({ ...trainedAt, iterations });
  await expect(page.getByTestId('stored')).toHaveAttribute('data-state', 'saved');

  // Another update rule is another projection: stale again until recalibrated with it.
  await page.getByLabel('Update', { exact: true }).selectOption('calibrated');
  await expect(page.getByTestId('threshold-stale')).toContainText(`T ${iterations}, calibrated`);
  await app.expectState('done');
  expect(await recalibrate()).toEqual({ ...trainedAt, iterations, variant: 'calibrated' });
});
