/**
 * Robustness of the inputs on the WASM backend (WebGPU is not the
 * point here and is slow in software): bad files, a huge image, very few images, mixed formats,
 * the Content Security Policy and file names that look like HTML. Every file is made in the test;
 * every test checks the message AND that what was loaded before is still there.
 */
import type { Page } from '@playwright/test';
import { badFiles, hugePng, makeJpeg, makePng, withExifOrientation } from './bad-files';
import { expect, test, TINY } from './fixtures';
import { normalFiles, texturePng, type FilePayload } from './images';

const WASM = { backend: 'wasm', ...TINY, epochs: 2 } as const;

async function addNormal(page: Page, files: FilePayload[]): Promise<void> {
  await page.getByLabel('Normal images', { exact: true }).setInputFiles(files);
}

/** The thumbnails' titles ("name · W×H"): what the page kept of the normal set. */
function thumbTitles(page: Page): Promise<string[]> {
  return page.locator('.thumb').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
}

test('bad files are refused one by one with name and reason; the good files of the drop and the earlier ones stay', async ({ app, page }) => {
  await app.open(WASM);
  await addNormal(page, normalFiles(3));
  await expect(page.getByTestId('normal-summary')).toContainText('3 normal images');
  const before = await thumbTitles(page);

  const bad = badFiles();
  // A real JPEG under a .png name is read by its content and kept.
  const disguised: FilePayload = { name: 'really-a-jpeg.png', mimeType: 'image/png', buffer: makeJpeg(24, 24, (x, y) => [x / 24, 0.5, y / 24]) };
  await addNormal(page, [...normalFiles(2, 3), disguised, ...bad.map((b) => b.file)]);

  const rejected = page.getByTestId('rejected');
  await expect(rejected).toContainText(`${bad.length} files refused`);
  for (const b of bad) {
    const line = rejected.locator('li').filter({ hasText: b.file.name });
    await expect(line).toHaveCount(1);
    await expect(line).toContainText(b.reason);
  }
  await expect(page.getByTestId('normal-summary')).toContainText('6 normal images');
  const after = await thumbTitles(page);
  expect(after.slice(0, 3)).toEqual(before);
  expect(after).toContain('really-a-jpeg.png · 24×24');
  await app.expectState('idle');
  await app.shot('r01-bad-files');
});

test('a 10,000 x 10,000 image is refused from its header, at once, and the page stays usable', async ({ app, page }) => {
  await app.open(WASM);
  await addNormal(page, normalFiles(2));
  await expect(page.getByTestId('normal-summary')).toContainText('2 normal images');
  // A large photo under the limit is decoded in the worker and downscaled (kept at 256 px at most).
  const big = makePng(4000, 3000, 2, 8, (x, y, s) => (s === 0 ? x / 4000 : s === 1 ? y / 3000 : 0.5));
  await addNormal(page, [{ name: 'huge.png', mimeType: 'image/png', buffer: hugePng() }, { name: 'photo-12mp.png', mimeType: 'image/png', buffer: big }]);
  await expect(page.getByTestId('rejected').locator('li')).toHaveText('huge.png: 10000 x 10000 pixels is above the limit of 40 megapixels; downscale it first (the model works at 256 px at most)');
  await expect(page.getByTestId('normal-summary')).toContainText('3 normal images');
  expect(await thumbTitles(page)).toContain('photo-12mp.png · 4000×3000');
  await page.getByRole('button', { name: 'Try the demo' }).click();
  await expect(page.getByTestId('normal-summary')).toContainText('40 normal images');
});

test('zero images: Train is disabled with its reason; one image trains with a warning and forced augmentation', async ({ app, page }) => {
  await app.open(WASM);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeDisabled();
  await expect(train).toHaveAccessibleDescription('Add normal images (or try the demo) to train.');

  await addNormal(page, normalFiles(1));
  await expect(page.getByTestId('normal-summary')).toContainText('1 normal image');
  await expect(train).toBeEnabled();
  await expect(page.getByTestId('few-images')).toContainText('Only 1 normal image: flips and 90° turns are switched on');
  await app.shot('r03-one-image');
  await app.train(120_000);
  expect((await app.history()).length).toBe(2);
  await expect(page.getByTestId('normal-summary')).toContainText('1 normal image');
  await expect(page.getByTestId('few-images')).toBeVisible();
});

/** Mixed formats and sizes, added as test images too so their working-size pixels can be read. */
function mixedFiles(): FilePayload[] {
  const halfBlack = (x: number) => (x < 16 ? [0, 0, 0] : [1, 1, 1]) as [number, number, number];
  return [
    { name: 'gray8-40x20.png', mimeType: 'image/png', buffer: makePng(40, 20, 0, 8, (x) => x / 40) },
    { name: 'rgb16-20x30.png', mimeType: 'image/png', buffer: makePng(20, 30, 2, 16, (_x, _y, s) => (s === 0 ? 0.5 : 0.25)) },
    { name: 'gray-alpha-clear.png', mimeType: 'image/png', buffer: makePng(24, 24, 4, 8, (_x, _y, s) => (s === 0 ? 0 : 0)) },
    // 32 x 16, left half black; orientation 6 = turn 90° clockwise to show: 16 x 32, black on top.
    { name: 'exif-rotated.jpg', mimeType: 'image/jpeg', buffer: withExifOrientation(makeJpeg(32, 16, halfBlack), 6) },
    { name: 'colour-48x48.png', mimeType: 'image/png', buffer: texturePng(3, 48) },
  ];
}

/** Mean of rows [from, to) of a working image (all channels). */
function meanRows(img: { width: number; channels: number; data: number[] }, from: number, to: number): number {
  const row = img.width * img.channels;
  const part = img.data.slice(from * row, to * row);
  return part.reduce((a, b) => a + b, 0) / part.length;
}

test('mixed sizes, gray and colour, alpha, 16-bit, EXIF rotation follow the documented rule and train', async ({ app, page }) => {
  await app.open(WASM);
  await addNormal(page, normalFiles(2));
  await expect(page.getByTestId('normal-summary')).toContainText('2 normal images');
  await addNormal(page, mixedFiles());
  await expect(page.getByTestId('normal-summary')).toContainText('7 normal images · colour');
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  const titles = await thumbTitles(page);
  expect(titles).toEqual(expect.arrayContaining(['exif-rotated.jpg · 16×32', 'rgb16-20x30.png · 20×30', 'gray8-40x20.png · 40×20']));

  await page.getByLabel('Test images', { exact: true }).setInputFiles(mixedFiles());
  await expect(page.getByTestId('test-item')).toHaveCount(5);
  const ids = Object.fromEntries((await page.evaluate(() => window.__manifoldLens?.tests() ?? [])).map((t) => [t.name, t.id]));
  const working = (name: string) => page.evaluate(([id]) => window.__manifoldLens!.testImage(id ?? '', 16), [ids[name]]);
  const rotated = await working('exif-rotated.jpg');
  expect(meanRows(rotated, 0, 6)).toBeLessThan(0.1);
  expect(meanRows(rotated, 10, 16)).toBeGreaterThan(0.9);
  const clear = await working('gray-alpha-clear.png');
  expect(Math.min(...clear.data)).toBeGreaterThan(0.99);
  const deep = await working('rgb16-20x30.png');
  expect(deep.channels).toBe(3);
  expect(deep.data[0]).toBeCloseTo(0.5, 2);
  expect(deep.data[1]).toBeCloseTo(0.25, 2);

  await app.train(120_000);
  expect(await page.evaluate(() => window.__manifoldLens?.model())).toMatchObject({ channels: 3, size: 16, epochsDone: 2 });
  await expect(page.getByTestId('normal-summary')).toContainText('7 normal images');
  await app.shot('r04-mixed');
});

test('the CSP is strict and holds, no inline script runs, and an HTML-looking file name stays text', async ({ app, page }) => {
  const violations: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await app.open(WASM);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
  expect(csp).not.toMatch(/unsafe-inline|'unsafe-eval'|\*|https?:/);

  const hostile = '<img src=x onerror=alert(1)>.png';
  await addNormal(page, [...normalFiles(4), { name: hostile, mimeType: 'image/png', buffer: texturePng(77) }, { name: `<b>bold</b>${hostile}`, mimeType: 'image/png', buffer: Buffer.from('<script>alert(2)</script>') }]);
  await expect(page.getByTestId('normal-summary')).toContainText('5 normal images');
  await expect(page.getByTestId('rejected')).toContainText(`<b>bold</b>${hostile}: a text file, not an image`);
  await expect(page.locator('.thumb').filter({ has: page.getByRole('button', { name: `Remove ${hostile}` }) })).toHaveCount(1);
  await page.getByLabel('Test images', { exact: true }).setInputFiles([{ name: hostile, mimeType: 'image/png', buffer: texturePng(78, 32, true) }]);
  await expect(page.getByTestId('test-item').filter({ hasText: hostile })).toHaveCount(1);

  await app.train(120_000);
  await app.inspect(page.getByTestId('test-item').filter({ hasText: hostile }));
  await expect(app.status).toContainText(`Inspected ${hostile}.`);

  const injected = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    const blocked = new Promise<boolean>((resolve) => {
      document.addEventListener('securitypolicyviolation', () => resolve(true), { once: true });
      setTimeout(() => resolve(false), 2000);
    });
    document.body.append(s);
    return { blocked: await blocked, ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true };
  });
  expect(injected).toEqual({ blocked: true, ran: false });
  expect(await page.locator('img[src="x"], b').count()).toBe(0);
  expect(dialogs).toEqual([]);
  // Only the injected script above was blocked: the app itself needed nothing the CSP forbids.
  expect(violations.filter((v) => !/inline script/i.test(v))).toEqual([]);
  await app.shot('r10-csp-names');
});
