/** Camera permission refused (the browser denies the prompt): the page says so and keeps the model and images. */
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { expect, test, TINY } from './fixtures';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--deny-permission-prompts'] } });

test('a refused permission gives the message, and the model and images stay', async ({ app, page }) => {
    await app.open({ backend: 'wasm', ...TINY, epochs: 2 });
    await app.tryDemo();
    await app.train();
    const modelText = await page.getByTestId('model-info').textContent();
    await page.getByRole('button', { name: 'Live camera' }).click();
    await page.getByRole('button', { name: 'Start camera' }).click();
    await expect(page.getByTestId('camera-error')).toContainText('Camera permission was refused');
    await expect(page.getByTestId('camera')).toHaveAttribute('data-state', 'failed');
    await expect(page.getByTestId('model-info')).toHaveText(modelText ?? '');
    await expect(page.getByTestId('test-item')).toHaveCount(8);
  });
