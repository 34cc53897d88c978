/**
 * The ML worker's memory with a large dataset: N distinct photos of about 2 megapixels
 * (1633 x 1225 JPEGs drawn and encoded in the page) dropped on "Normal images" a hundred at a
 * time, then the worker's heap and ArrayBuffer backing stores read through the DevTools
 * protocol after a garbage collection. The worker keeps each image at 256 px at most (RGBA) and
 * the file's Blob (held by the browser, not the worker's heap), so the bound is
 * N x 256 x 256 x 4 bytes plus the scaled-image cache, whatever the photos' resolution.
 */
import type { Browser } from '@playwright/test';
import { workerMemory } from '../worker-heap';

export interface MemoryFigures {
  images: number;
  width: number;
  height: number;
  /** Worker JS heap and ArrayBuffer backing stores before any image, after a GC (bytes). */
  before: { heap: number; buffers: number | null };
  after: { heap: number; buffers: number | null };
  /** (after - before), heap plus buffers, per image (bytes). */
  perImage: number;
  /** N x 256 x 256 x 4 + the 256 MB scaled-image cache (bytes). */
  bound: number;
  /** Wall time to make and load the images (ms). */
  loadMs: number;
  /** Of it, from each drop to the page counting its photos: decoding, storing, thumbnails (ms). */
  decodeMs: number;
}

const WIDTH = 1633;
const HEIGHT = 1225;
const PER_DROP = 100;
const SCALED_CACHE = 256 * 1024 * 1024;

/**
 * Runs in the page (a string: tsx's helpers do not exist there). Draws `count` distinct photos
 * from `start` and encodes them as JPEG, kept for DROP.
 */
const MAKE = `async ([start, count, w, h]) => {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const dt = new DataTransfer();
  for (let i = start; i < start + count; i++) {
    const g = ctx.createLinearGradient(0, 0, w, h);
    g.addColorStop(0, 'hsl(' + ((i * 37) % 360) + ', 40%, 45%)');
    g.addColorStop(1, 'hsl(' + ((i * 91) % 360) + ', 30%, 60%)');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, w, h);
    for (let k = 0; k < 12; k++) {
      ctx.fillStyle = 'hsl(' + ((i * 13 + k * 29) % 360) + ', 50%, ' + (30 + ((i + k) % 5) * 10) + '%)';
      ctx.fillRect(((i * 97 + k * 131) % w), ((i * 53 + k * 71) % h), 120 + k * 20, 90 + ((i + k) % 7) * 25);
    }
    ctx.fillStyle = '#fff';
    ctx.font = '160px sans-serif';
    ctx.fillText(String(i), 80, 240);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    dt.items.add(new File([blob], 'photo_' + String(i).padStart(5, '0') + '.jpg', { type: 'image/jpeg' }));
  }
  window.__photos = dt.files;
}`;

/** Hands the photos MAKE made to the input, as a person's drop would. */
const DROP = `(input) => {
  input.files = window.__photos;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}`;

export async function benchMemory(browser: Browser, url: string, images: number, log: (l: string) => void): Promise<MemoryFigures> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${url}?backend=wasm&test=1`);
    await page.locator('[data-testid="status"][data-state="idle"]').waitFor({ timeout: 120_000 });
    const before = await workerMemory(browser);
    const input = await page.getByLabel('Normal images', { exact: true }).elementHandle();
    if (!input) throw new Error('no "Normal images" input');
    await page.evaluate(`window.__makePhotos = ${MAKE}; window.__dropPhotos = ${DROP}`);
    const t0 = Date.now();
    let decodeMs = 0;
    for (let start = 0; start < images; start += PER_DROP) {
      const count = Math.min(PER_DROP, images - start);
      await page.evaluate((a) => (window as unknown as { __makePhotos(args: unknown[]): Promise<void> }).__makePhotos(a), [start, count, WIDTH, HEIGHT]);
      const dropped = Date.now();
      await input.evaluate((el) => (window as unknown as { __dropPhotos(el: unknown): void }).__dropPhotos(el));
      await page.getByTestId('normal-summary').filter({ hasText: `${start + count} normal images` }).waitFor({ timeout: 600_000 });
      decodeMs += Date.now() - dropped;
      log(`memory: ${start + count} of ${images} photos loaded`);
    }
    const loadMs = Date.now() - t0;
    const after = await workerMemory(browser);
    const total = (m: { heap: number; buffers: number | null }) => m.heap + (m.buffers ?? 0);
    return { images, width: WIDTH, height: HEIGHT, before, after, perImage: Math.round((total(after) - total(before)) / images), bound: images * 256 * 256 * 4 + SCALED_CACHE, loadMs, decodeMs };
  } finally {
    await context.close();
  }
}
