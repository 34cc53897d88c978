/**
 * The main flow on WebGPU: demo, train, inspect a
 * defective image, re-run with another iteration count. One page for the whole flow (training
 * is the slow part), so the tests run in order and share it.
 */
import type { Page } from '@playwright/test';
import { AppPage, expect, meanInsideOutside, offOrigin, test, TINY, type Field } from './fixtures';

test.describe.configure({ mode: 'serial' });

let page: Page;
let app: AppPage;
const requests: string[] = [];
let firstMap: Field | null = null;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  page.context().on('request', (r) => requests.push(r.url()));
  app = new AppPage(page);
  await app.open({ backend: 'webgpu', ...TINY });
});

test.afterAll(async () => {
  await page.close();
});

test('runs on WebGPU and says so', async () => {
  expect(await app.backend()).toBe('webgpu');
  await expect(page.getByTestId('backend')).toContainText('WebGPU');
  await app.expectState('idle');
  await expect(app.status).toContainText('try the demo');
  await app.shot('01-first-visit');
});

test('demo, then training: status trained and the loss fell', async () => {
  await app.tryDemo();
  await app.shot('02-demo-loaded');
  await app.train(300_000, async () => {
    await expect(page.getByTestId('train-progress')).toContainText('Epoch', { timeout: 120_000 });
    await app.shot('03-training');
  });
  const history = await app.history();
  expect(history.length).toBe(TINY.epochs);
  const first = history[0]?.loss ?? NaN;
  const last = history[history.length - 1]?.loss ?? NaN;
  expect(last).toBeLessThan(first);
  await expect(page.getByTestId('recon-grid')).toBeVisible();
  await app.shot('04-trained');
});

test('a defective demo image: its map is hot inside the mask, and the overlay is drawn with the contour around it', async () => {
  const item = page.locator('[data-testid="test-item"][data-kind="hole"]');
  await app.inspect(item);
  const map = await app.lastMap();
  const mask = await app.mask();
  expect(map && mask).toBeTruthy();
  if (!map || !mask) return;
  expect([map.width, map.height]).toEqual([mask.width, mask.height]);
  const { inside, outside } = meanInsideOutside(map, mask);
  expect(inside).toBeGreaterThan(2 * outside);
  expect(await app.overlayColours()).toBeGreaterThan(16);
  // An anomalous verdict: the threshold's contour is drawn, around the hole.
  await expect(page.getByTestId('verdict')).toHaveText('anomalous');
  const contour = await app.contourPixels();
  expect(contour.count).toBeGreaterThan(0);
  let [mx, my, mn] = [0, 0, 0];
  mask.data.forEach((v, i) => {
    if (v > 0) [mx, my, mn] = [mx + ((i % mask.width) + 0.5) / mask.width, my + (Math.floor(i / mask.width) + 0.5) / mask.height, mn + 1];
  });
  expect(Math.hypot(contour.x - mx / mn, contour.y - my / mn)).toBeLessThan(0.2);
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  firstMap = map;
  await app.shot('05-inspected');
});

test('moving the Iterations slider re-runs the projection and changes the map', async () => {
  const slider = page.getByLabel('Iterations', { exact: true });
  await slider.focus();
  for (let i = 0; i < 4; i++) await slider.press('ArrowRight');
  await expect(slider).toHaveValue(String(TINY.iterations + 4));
  await expect
    .poll(async () => {
      const state = await app.status.getAttribute('data-state');
      const map = state === 'done' ? await app.lastMap() : null;
      return map !== null && firstMap !== null && map.data.some((v, i) => Math.abs(v - (firstMap?.data[i] ?? 0)) > 1e-6);
    }, { timeout: 120_000 })
    .toBe(true);
  await expect(page.getByTestId('energy-chart')).toBeVisible();
  await app.shot('06-more-iterations');
});

test('no request left the page origin during the whole flow', async ({ baseURL }) => {
  expect(requests.length).toBeGreaterThan(3);
  expect(offOrigin(requests, new URL(baseURL ?? '').origin)).toEqual([]);
});
