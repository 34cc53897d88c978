/**
 * Live camera with Chromium's fake device playing a video the test writes: striped texture frames,
 * the stripes moving from frame to frame and a dark blob in half of them. Live frames are
 * inspected (the map changes from frame to frame, the fps and frame count shown), Freeze adds the
 * current frame to the test list, Stop ends it; the model and the images stay.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { expect, test, TINY } from './fixtures';
import { normalFiles } from './images';
import { makeY4m, type RgbFrame } from './y4m-writer';

const SIDE = 64;
const FRAMES = 8;

/** The striped texture of images.ts at SIDE px, the stripes shifted by `shift`, with a blob when defective. */
function frame(shift: number, defect: boolean): RgbFrame {
  const rgb = new Uint8Array(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const stripe = Math.sin(((x / 2 + y / 2 + shift) / 8) * Math.PI * 2) * 0.5 + 0.5;
      const blob = defect && (x - SIDE * 0.6) ** 2 + (y - SIDE * 0.4) ** 2 < (SIDE * 0.18) ** 2;
      const v = blob ? 10 : 60 + stripe * 140;
      rgb.set([v, v * 0.8, v * 0.6], (y * SIDE + x) * 3);
    }
  }
  return { width: SIDE, height: SIDE, rgb };
}

const video = join(tmpdir(), `manifold-lens-camera-${process.pid}.y4m`);
writeFileSync(video, makeY4m(Array.from({ length: FRAMES }, (_, i) => frame(i, i >= FRAMES / 2)), 4));

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  },
});

test('live camera frames are inspected as they come, Freeze adds a frame, Stop ends it', async ({ app, page }) => {
  await app.open({ backend: 'wasm', ...TINY, epochs: 4 });
  await page.getByLabel('Normal images', { exact: true }).setInputFiles(normalFiles(10));
  await app.train();
  const modelText = await page.getByTestId('model-info').textContent();

  await page.getByRole('button', { name: 'Live camera' }).click();
  await page.getByRole('button', { name: 'Start camera' }).click();
  await expect(page.getByTestId('camera')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('camera-status')).toContainText(/\d+(\.\d)? fps · \d+ frames inspected/);

  // Distinct maps over time: the frames differ, so the maps must too.
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const live = await page.evaluate(() => window.__manifoldLens?.live() ?? null);
        if (live) seen.add(live.map.map((v) => v.toFixed(5)).join(','));
        return seen.size;
      },
      { timeout: 120_000, intervals: [250] },
    )
    .toBeGreaterThanOrEqual(3);
  const frames = await page.evaluate(() => window.__manifoldLens?.live()?.frames ?? 0);
  expect(frames).toBeGreaterThanOrEqual(3);
  expect(await app.overlayColours('Live anomaly overlay')).toBeGreaterThan(16);
  await app.shot('11-live-camera');

  await page.getByRole('button', { name: 'Freeze' }).click();
  await expect(page.getByTestId('test-item').filter({ hasText: /^camera-/ })).toHaveCount(1);

  await page.getByRole('button', { name: 'Stop camera' }).click();
  await expect(page.getByTestId('camera')).toHaveAttribute('data-state', 'off');
  await expect(page.getByTestId('model-info')).toHaveText(modelText ?? '');
  await expect(page.getByTestId('normal-summary')).toContainText('10 normal images');
});
