/**
 * Robustness while the app runs on WASM, one page and one dataset
 * for all (serial): Stop keeps the last finished epoch, a slider dragged fast, a cancel that stops
 * a projection mid-run, 200 projections in a row, and last a reload during training. The worker's heap is
 * read through the DevTools protocol after a garbage collection (worker-heap.ts).
 */
import type { Page } from '@playwright/test';
import { AppPage, expect, test, TINY } from './fixtures';
import type { DebugArgs, DebugResult, DebugStats } from '../src/worker/protocol';
import { texturePng } from './images';
import { workerHeapBytes } from './worker-heap';

test.describe.configure({ mode: 'serial' });


let page: Page;
let app: AppPage;
/** The model Stop kept, as the page describes it. */
let keptModelText = '';

const debug = (args: DebugArgs): Promise<DebugResult> => page.evaluate((a) => window.__manifoldLens!.debug(a), args);
const stats = async (): Promise<DebugStats> => (await debug({ kind: 'stats' })).stats;
const model = () => page.evaluate(() => window.__manifoldLens?.model() ?? null);
const hole = () => page.locator('[data-testid="test-item"][data-kind="hole"]');

async function datasetIntact(): Promise<void> {
  await expect(page.getByTestId('normal-summary')).toContainText('40 normal images');
  await expect(page.getByTestId('test-item')).toHaveCount(8);
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  app = new AppPage(page);
  await app.open({ backend: 'wasm', ...TINY, epochs: 300 });
  await app.tryDemo();
});

test.afterAll(async () => {
  await page.close();
});

test('Stop during training keeps the last finished epoch, calibrated and usable', async () => {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(async () => (await app.history()).length, { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await app.expectState('trained', 120_000);
  const history = await app.history();
  expect(await model()).toMatchObject({ stopped: true, epochsDone: history.length });
  expect(history.length).toBeLessThan(300);
  await expect(page.getByTestId('train-progress')).toContainText(`Stopped after ${history.length} epochs`);
  await datasetIntact();
  await app.inspect(hole());
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
  keptModelText = (await page.getByTestId('model-info').textContent()) ?? '';
  expect(keptModelText).toMatch(/^Model: 16px colour, trained/);
  await app.shot('r05-stopped');
});

test('a slider dragged fast for seconds: one projection at a time, ends on the last value, no tensors left', async () => {
  const tensors = await page.evaluate(() => window.__manifoldLens!.numTensors());
  const before = await stats();
  const slider = page.getByLabel('Iterations', { exact: true });
  const box = await slider.boundingBox();
  if (!box) throw new Error('no slider');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 4, y);
  await page.mouse.down();
  const started = Date.now();
  for (let i = 0; Date.now() - started < 3000; i++) {
    // Back and forth over the first fifth of the track (1 to about 40 iterations).
    const f = 0.02 + 0.18 * Math.abs(Math.sin(i / 7));
    await page.mouse.move(box.x + box.width * f, y);
  }
  await page.mouse.up();
  const final = Number(await slider.inputValue());
  await expect.poll(async () => (await stats()).lastProjection, { timeout: 120_000 }).toEqual({ iterations: final, stopped: false });
  await app.expectState('done');
  const after = await stats();
  expect(after.maxConcurrentProjections).toBe(1);
  expect(after.projectionsStarted).toBeGreaterThan(before.projectionsStarted);
  // Once the selected image is done, the others are scored in the background (their scores were
  // reset by the new settings): its tensors live until it ends, so the count is polled.
  await expect.poll(() => page.evaluate(() => window.__manifoldLens!.numTensors()), { timeout: 120_000 }).toBe(tensors);
  await datasetIntact();
});

test('a cancel stops a running projection within steps, not at its end', async () => {
  const testId = await page.evaluate(() => window.__manifoldLens!.tests().find((t) => t.kind === 'hole')?.id ?? '');
  // Frames every 2 steps: a run to its end sends 101 (iterations 0, 2, ..., 200 and the last).
  const r = await page.evaluate((id) => window.__manifoldLens!.cancelAtFirstFrame(id, 200), testId);
  expect(r.stopped).toBe(true);
  expect(r.frames).toBeLessThan(50);
  await datasetIntact();
});

test('200 projections in a row leave the tensors, their bytes and the worker heap flat', async ({ browser }) => {
  const testId = await page.evaluate(() => window.__manifoldLens!.tests().find((t) => t.kind === 'hole')?.id ?? '');
  const run = (n: number) => debug({ kind: 'projectMany', testId, n, settings: { alpha: 1, lambda: 0.1, iterations: 3, variant: 'weighted' } });
  // A few first, so caches that fill once (kernels, the allocator's pages) are not counted as growth.
  await run(10);
  const heapBefore = await workerHeapBytes(browser);
  const { before, stats: after } = await run(200);
  const heapAfter = await workerHeapBytes(browser);
  if (!before) throw new Error('no figures before the run');
  expect(after.projectionsStarted - before.projectionsStarted).toBe(200);
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numBytes).toBe(before.numBytes);
  console.log(`long use: tensors ${before.numTensors} -> ${after.numTensors}, bytes ${before.numBytes} -> ${after.numBytes}, worker heap ${heapBefore} -> ${heapAfter}`);
  expect(heapAfter - heapBefore).toBeLessThan(1_000_000);
  await datasetIntact();
});

test('reloading during training loses nothing saved: the kept model comes back', async () => {
  await expect(page.getByTestId('stored')).toHaveAttribute('data-state', 'saved', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(async () => (await app.history()).length, { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await page.reload();
  await expect(page.getByTestId('model-info')).toHaveText(keptModelText, { timeout: 120_000 });
  await expect(page.getByTestId('stored')).toHaveAttribute('data-state', 'saved');
  await page.getByLabel('Test images', { exact: true }).setInputFiles({ name: 'after-reload.png', mimeType: 'image/png', buffer: texturePng(5, 32, true) });
  await app.inspect(page.getByTestId('test-item').filter({ hasText: 'after-reload.png' }));
  await expect(page.getByTestId('score')).toHaveText(/^\d/);
});
