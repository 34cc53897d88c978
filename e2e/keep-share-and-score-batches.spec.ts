/**
 * Keep, share and evaluate, on WebGPU with tiny settings. One trained
 * model serves every test (serial, one page): it is kept over a reload, a batch is inspected and
 * evaluated against the demo's masks (the page's figures equal engine/metrics run here on the
 * same maps), the downloads hold what the page shows, and the exported model file gives the same
 * map in a fresh browser context while damaged files are refused there.
 */
import type { Download, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { f1Max, imageAuroc, pixelAuroc } from '../src/engine/metrics/roc';
import type { AnomalyResult } from '../src/engine/types';
import { colormapLut, type ColormapName } from '../src/render/colormap';
import { colorizeField } from '../src/render/overlay';
import { AppPage, expect, meanInsideOutside, test, TINY, type Field } from './fixtures';
import { texturePng } from './images';

/** The ground truth of texturePng's defect: a disc around (0.6, 0.4) of the side, radius 0.15. */
function discMaskPng(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = (x - size * 0.6) ** 2 + (y - size * 0.4) ** 2 < (size * 0.15) ** 2;
      const o = (y * size + x) * 4;
      png.data.fill(inside ? 255 : 0, o, o + 3);
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

test.describe.configure({ mode: 'serial' });

let page: Page;
let app: AppPage;
let hotMap: Field | null = null;
let modelZip: Buffer | null = null;

const hole = () => page.locator('[data-testid="test-item"][data-kind="hole"]');

async function downloaded(p: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [dl]: [Download, void] = await Promise.all([p.waitForEvent('download'), button.click()]);
  return { name: dl.suggestedFilename(), bytes: readFileSync((await dl.path()) ?? '') };
}

function maxAbsDiff(a: Field, b: Field): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  return a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - (b.data[i] ?? NaN))), 0);
}

async function metricValue(p: Page, method: string, metric: string): Promise<number> {
  return Number(await p.locator(`[data-testid="metric"][data-method="${method}"][data-metric="${metric}"]`).getAttribute('data-value'));
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  app = new AppPage(page);
  await app.open({ backend: 'webgpu', ...TINY });
});

test.afterAll(async () => {
  await page.close();
});

test('train, reload: the model is back and inspects without retraining', async () => {
  await app.tryDemo();
  await app.train();
  await expect(page.getByTestId('model-info')).toContainText('Model: 16px colour, trained');
  await expect(page.getByTestId('stored')).toHaveAttribute('data-state', 'saved');

  await page.reload();
  await expect(page.getByTestId('model-info')).toContainText('Model: 16px colour, trained', { timeout: 120_000 });
  await expect(page.getByTestId('stored')).toHaveAttribute('data-state', 'saved');
  await app.expectState('trained');
  expect(await app.history()).toEqual([]);
  await app.tryDemo();
  await app.inspect(hole());
  const map = await app.lastMap();
  const mask = await app.mask();
  if (!map || !mask) throw new Error('no map or mask after the reload');
  const { inside, outside } = meanInsideOutside(map, mask);
  expect(inside).toBeGreaterThan(1.5 * outside);
  expect(await app.history()).toEqual([]);
  hotMap = map;
  await app.shot('20-model-restored');
});

test('a batch of 8 images: progress, a sorted table, keyboard navigation, verdicts', async () => {
  await page.getByRole('button', { name: 'Inspect all' }).click();
  await expect(page.getByTestId('batch-progress')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(8);
  const scores = async () => (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score')))));
  const desc = await scores();
  expect(desc.every((v, i) => i === 0 || (desc[i - 1] ?? 0) >= v)).toBe(true);
  await page.getByRole('button', { name: /^Projection score/ }).click();
  const asc = await scores();
  expect(asc).toEqual([...desc].sort((a, b) => a - b));
  const verdicts = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
  expect(verdicts.every((v) => v === 'anomalous' || v === 'normal')).toBe(true);

  await rows.first().click();
  await expect(rows.first()).toHaveAttribute('aria-selected', 'true');
  await rows.first().press('ArrowDown');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(rows.nth(1)).toBeFocused();
  await app.expectState('done', 120_000);
  await page.getByTestId('results-table').scrollIntoViewIfNeeded();
  await app.shot('21-batch-results');
});

test("the demo's masks: the page's AUROC and F1-max equal engine/metrics on the same maps", async () => {
  await expect(page.getByTestId('metrics')).toBeVisible();
  const data = await page.evaluate(() => window.__manifoldLens?.evaluationData() ?? null);
  if (!data) throw new Error('no evaluation data');
  expect(data.testIds).toHaveLength(8);
  expect(data.labels.some((l) => l === 1) && data.labels.some((l) => l === 0)).toBe(true);
  const masks = data.masks.map((m) => ({ width: data.width, height: data.height, data: Uint8Array.from(m) }));
  for (const method of ['residual', 'projection'] as const) {
    const results: AnomalyResult[] = data.maps[method].map((m, i) => ({ method, score: data.scores[method][i] ?? NaN, map: Float32Array.from(m), width: data.width, height: data.height }));
    // The image score is the max of its score map (the map at half the smoothing), and the table shows the same numbers.
    results.forEach((r, i) => expect(r.score).toBeCloseTo(Math.max(...(data.scoreMaps[method][i] ?? [])), 6));
    expect(data.scoreMaps[method].some((m, i) => m.some((v, k) => v !== data.maps[method][i]?.[k]))).toBe(true);
    const pixLabels = Uint8Array.from(data.masks.flat());
    const pixScores = Float32Array.from(results.flatMap((r) => Array.from(r.map)));
    expect(Math.abs((await metricValue(page, method, 'pixelAuroc')) - pixelAuroc(results, masks))).toBeLessThan(1e-6);
    expect(Math.abs((await metricValue(page, method, 'imageAuroc')) - imageAuroc(results, data.labels))).toBeLessThan(1e-6);
    expect(Math.abs((await metricValue(page, method, 'pixelF1Max')) - f1Max(pixScores, pixLabels).f1)).toBeLessThan(1e-6);
    expect(Math.abs((await metricValue(page, method, 'imageF1Max')) - f1Max(data.scores[method], data.labels).f1)).toBeLessThan(1e-6);
  }
  await expect(page.getByTestId('roc-pixelRoc').locator('canvas')).toBeVisible();
  await page.getByTestId('metrics').scrollIntoViewIfNeeded();
  await app.shot('22-evaluation');
});

test('downloads: heat map and overlay PNG, results CSV and JSON hold what the page shows', async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await app.inspect(hole());
  const map = await app.lastMap();
  const scale = await page.evaluate(() => window.__manifoldLens?.heatScale() ?? null);
  if (!map || !scale) throw new Error('no map');
  const heat = await downloaded(page, page.getByRole('button', { name: 'Heat map PNG' }));
  expect(heat.name).toBe('hole_000-projection-heatmap.png');
  const png = PNG.sync.read(heat.bytes);
  expect([png.width, png.height]).toEqual([map.width, map.height]);
  const expected = colorizeField(map, colormapLut(scale.colormap as ColormapName), scale.scaleMax);
  expect(Buffer.compare(png.data, Buffer.from(expected.data))).toBe(0);

  const overlay = await downloaded(page, page.getByRole('button', { name: 'Overlay PNG' }));
  const opng = PNG.sync.read(overlay.bytes);
  const shown = await page.getByRole('img', { name: 'Anomaly overlay' }).evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    return { w: canvas.width, h: canvas.height, data: Array.from(canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? []) };
  });
  expect([opng.width, opng.height]).toEqual([shown.w, shown.h]);
  expect(Buffer.compare(opng.data, Buffer.from(shown.data))).toBe(0);

  const tests = await page.evaluate(() => window.__manifoldLens?.tests() ?? []);
  const csv = (await downloaded(page, page.getByRole('button', { name: 'Results CSV' }))).bytes.toString('utf8').trim().split('\r\n');
  const head = csv[0]?.split(',') ?? [];
  expect(head.slice(0, 5)).toEqual(['file', 'method', 'score', 'threshold', 'verdict']);
  expect(csv).toHaveLength(1 + 2 * tests.length);
  const pixelCol = head.indexOf('pixel_auroc');
  for (const t of tests) {
    const line = csv.find((l) => l.startsWith(`${t.name},projection,`))?.split(',') ?? [];
    expect(Number(line[2])).toBe(t.score);
    expect(['anomalous', 'normal']).toContain(line[4]);
    expect(Number(line[pixelCol])).toBe(await metricValue(page, 'projection', 'pixelAuroc'));
  }
  const json = JSON.parse((await downloaded(page, page.getByRole('button', { name: 'Results JSON' }))).bytes.toString('utf8'));
  expect(json.rows).toHaveLength(2 * tests.length);
  expect(json.settings).toMatchObject({ iterations: TINY.iterations, workingSize: TINY.size });
  expect(json.metrics.residual.imageAuroc).toBe(await metricValue(page, 'residual', 'imageAuroc'));
});

test('export, import in a fresh context: same map; damaged files are refused and the model keeps working', async ({ browser }) => {
  const file = await downloaded(page, page.getByRole('button', { name: 'Export model' }));
  expect(file.name).toMatch(/^manifold-lens-16px-\d{4}-\d\d-\d\d\.zip$/);
  modelZip = file.bytes;
  expect(Object.keys(unzipSync(modelZip)).sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);

  const context = await browser.newContext();
  const fresh = await context.newPage();
  const other = new AppPage(fresh);
  try {
    await other.open({ backend: 'webgpu', ...TINY });
    await expect(fresh.getByTestId('model-info')).toContainText('No model yet');
    await other.tryDemo();
    await fresh.getByLabel('Model file').setInputFiles({ name: 'model.zip', mimeType: 'application/zip', buffer: modelZip });
    await expect(fresh.getByTestId('model-info')).toContainText('Model: 16px colour, trained');
    await other.inspect(fresh.locator('[data-testid="test-item"][data-kind="hole"]'));
    const map = await other.lastMap();
    if (!map || !hotMap) throw new Error('no map');
    expect(maxAbsDiff(map, hotMap)).toBeLessThan(1e-4);

    const parts = unzipSync(modelZip);
    const meta = JSON.parse(strFromU8(parts['model.json'] ?? new Uint8Array()));
    const weights = parts['weights.bin'] ?? new Uint8Array();
    const damaged: { name: string; bytes: Uint8Array; says: RegExp }[] = [
      { name: 'random bytes', bytes: Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251), says: /not a zip/ },
      { name: 'mangled model.json', bytes: zipSync({ ...parts, 'model.json': strToU8('{"meta": {') }), says: /not valid JSON/ },
      { name: 'truncated weights', bytes: zipSync({ ...parts, 'weights.bin': weights.slice(0, weights.length >> 1) }), says: /truncated/ },
      { name: 'newer format', bytes: zipSync({ ...parts, 'model.json': strToU8(JSON.stringify({ ...meta, meta: { ...meta.meta, formatVersion: 99 } })) }), says: /newer version/ },
    ];
    for (const d of damaged) {
      await fresh.getByLabel('Model file').setInputFiles({ name: 'model.zip', mimeType: 'application/zip', buffer: Buffer.from(d.bytes) });
      await expect(fresh.getByTestId('model-file-error'), d.name).toContainText(d.says);
      await expect(fresh.getByTestId('model-file-error')).toContainText('The loaded model is unchanged');
      await other.expectState('error');
      await expect(fresh.getByTestId('model-info')).toContainText('Model: 16px colour, trained');
    }
    await other.shot('23-corrupt-model-refused');
    await other.inspect(fresh.locator('[data-testid="test-item"][data-kind="good"]').first());
    await other.inspect(fresh.locator('[data-testid="test-item"][data-kind="hole"]'));
    const again = await other.lastMap();
    if (!again) throw new Error('no map after the refused files');
    expect(maxAbsDiff(again, hotMap)).toBeLessThan(1e-4);
  } finally {
    await context.close();
  }
});

test('a full storage quota is reported on the page, and the imported model still works', async ({ browser, baseURL }) => {
  if (!modelZip) throw new Error('no exported model');
  const context = await browser.newContext();
  const fresh = await context.newPage();
  const other = new AppPage(fresh);
  try {
    const cdp = await context.newCDPSession(fresh);
    // A quota far below the model's size: IndexedDB refuses the write with QuotaExceededError.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL ?? '').origin, quotaSize: 2048 });
    await other.open({ backend: 'webgpu', ...TINY });
    await other.tryDemo();
    await fresh.getByLabel('Model file').setInputFiles({ name: 'model.zip', mimeType: 'application/zip', buffer: modelZip });
    await expect(fresh.getByTestId('storage-error')).toContainText('storage quota exceeded');
    await expect(fresh.getByTestId('model-info')).toContainText('Model: 16px colour, trained');
    await other.inspect(fresh.locator('[data-testid="test-item"][data-kind="hole"]'));
    const map = await other.lastMap();
    if (!map || !hotMap) throw new Error('no map');
    expect(maxAbsDiff(map, hotMap)).toBeLessThan(1e-4);
    await other.shot('24-storage-quota');
  } finally {
    await context.close();
  }
});

test('own test files with <name>_mask.png beside them: paired, and counted in the evaluation', async () => {
  const files = [
    { name: 'dent.png', mimeType: 'image/png', buffer: texturePng(501, 32, true) },
    { name: 'dent_mask.png', mimeType: 'image/png', buffer: discMaskPng(32) },
    { name: 'plain.png', mimeType: 'image/png', buffer: texturePng(502, 32) },
  ];
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByLabel('Test images', { exact: true }).setInputFiles(files);
  await expect(page.getByTestId('test-item')).toHaveCount(10);
  await page.getByRole('button', { name: 'Inspect all' }).click();
  await expect(page.getByTestId('batch-progress')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const data = await page.evaluate(() => window.__manifoldLens?.evaluationData() ?? null);
  const tests = await page.evaluate(() => window.__manifoldLens?.tests() ?? []);
  if (!data) throw new Error('no evaluation data');
  const labelOf = (name: string) => data.labels[data.testIds.indexOf(tests.find((t) => t.name === name)?.id ?? '')];
  expect(labelOf('dent.png')).toBe(1);
  expect(labelOf('plain.png')).toBe(0);
  const dentMask = data.masks[data.testIds.indexOf(tests.find((t) => t.name === 'dent.png')?.id ?? '')] ?? [];
  expect(dentMask.filter((v) => v > 0).length).toBeGreaterThan(4);
  await expect(page.getByTestId('metrics')).toContainText('On 10 images');
});

test('Forget model clears it, and a reload does not bring it back', async () => {
  await page.getByRole('button', { name: 'Forget model' }).click();
  await expect(page.getByTestId('model-info')).toContainText('No model yet');
  await page.reload();
  await app.expectState('idle', 120_000);
  await expect(page.getByTestId('model-info')).toContainText('No model yet');
});
