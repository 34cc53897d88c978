/**
 * Page object for the end-to-end tests: drives the page through its accessible names and reads
 * state through data-state / window.__manifoldLens (the app's state, not pixels). Every test
 * also fails if any request leaves the page's own origin.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';

type FilePayload = { name: string; mimeType: string; buffer: Buffer };
import { mkdirSync } from 'node:fs';
import type {} from '../src/app/testing/testHook';
import { fileURLToPath } from 'node:url';

export const STAGES_DIR = fileURLToPath(new URL('../test-results/stages/', import.meta.url));

/**
 * Tiny settings: WebGPU here is a software adapter (about 1 s per projection step at 64 px).
 * At 16 px the VAE needs enough steps to learn the texture: batch 4 and lr 3e-3 give 8 steps an
 * epoch that count (measured on the cpu backend: the hole's mean map inside its mask is about
 * 3x the mean outside after 8 epochs, about 2x after 6).
 */
export const TINY = { size: 16, latent: 16, epochs: 8, batch: 4, lr: 0.003, iterations: 6 } as const;

export type StatusState = 'idle' | 'loading' | 'training' | 'trained' | 'projecting' | 'done' | 'error';

export interface Field {
  width: number;
  height: number;
  data: number[];
}

export class AppPage {
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('status');
  }

  async open(params: Record<string, string | number>): Promise<void> {
    const q = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), test: '1' });
    await this.page.goto(`./?${q}`);
    await expect(this.status).not.toHaveAttribute('data-state', 'loading', { timeout: 120_000 });
  }

  async expectState(state: StatusState, timeout = 60_000): Promise<void> {
    await expect(this.status).toHaveAttribute('data-state', state, { timeout });
  }

  backend(): Promise<string | null> {
    return this.page.evaluate(() => window.__manifoldLens?.backend() ?? null);
  }

  async tryDemo(): Promise<void> {
    await this.page.getByRole('button', { name: 'Try the demo' }).click();
    await expect(this.page.getByTestId('normal-summary')).toContainText('40 normal images');
    await expect(this.page.getByTestId('test-item')).toHaveCount(8);
  }

  /** Presses Train and waits until training finished (status 'trained'). */
  async train(timeout = 300_000, whileTraining?: () => Promise<void>): Promise<void> {
    const wasTrained = (await this.status.getAttribute('data-state')) === 'trained';
    await this.page.getByRole('button', { name: 'Train', exact: true }).click();
    // A tiny run can finish before a poll sees 'training'; 'trained' then counts as started,
    // unless the page was already trained before the click.
    const started = wasTrained ? ['training'] : ['training', 'trained'];
    await expect
      .poll(async () => started.includes((await this.status.getAttribute('data-state')) ?? ''), { timeout: 60_000 })
      .toBe(true);
    await whileTraining?.();
    await this.expectState('trained', timeout);
  }

  history(): Promise<{ epoch: number; loss: number; valLoss: number | null }[]> {
    return this.page.evaluate(() => window.__manifoldLens?.history() ?? []);
  }

  /**
   * The person's own files: normal images through the "Normal images" input, one test image
   * through "Test images", then Train, then that image inspected. Returns its list item.
   */
  async trainAndInspectOwn(normal: FilePayload[], test: FilePayload): Promise<Locator> {
    await this.page.getByLabel('Normal images', { exact: true }).setInputFiles(normal);
    await expect(this.page.getByTestId('normal-summary')).toContainText(`${normal.length} normal images`);
    await this.page.getByLabel('Test images', { exact: true }).setInputFiles([test]);
    await expect(this.page.getByTestId('test-item')).toHaveCount(1);
    await this.train();
    const item = this.page.getByTestId('test-item').filter({ hasText: test.name });
    await this.inspect(item);
    return item;
  }

  /** Selects a test image by its list button and waits for its projection to finish. */
  async inspect(item: Locator, timeout = 180_000): Promise<void> {
    await item.click();
    await expect(item).toHaveAttribute('aria-pressed', 'true');
    await this.expectState('done', timeout);
  }

  /**
   * From now on, every text the element `testId` shows, however briefly (a progress line that a
   * fast run shows for less than a poll's interval); the returned function reads them.
   */
  async watchTexts(testId: string): Promise<() => Promise<string[]>> {
    const key = `__texts_${testId}`;
    await this.page.evaluate(
      ({ testId, key }) => {
        const seen: string[] = [];
        (window as unknown as Record<string, string[]>)[key] = seen;
        const note = () => {
          const text = document.querySelector(`[data-testid="${testId}"]`)?.textContent;
          if (text && seen[seen.length - 1] !== text) seen.push(text);
        };
        new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
        note();
      },
      { testId, key },
    );
    return () => this.page.evaluate((k) => (window as unknown as Record<string, string[]>)[k] ?? [], key);
  }

  /** Waits until the element `testId` watched by watchTexts has shown a text matching `pattern`. */
  async expectShown(texts: () => Promise<string[]>, pattern: RegExp, timeout = 60_000): Promise<void> {
    await expect.poll(async () => (await texts()).some((t) => pattern.test(t)), { timeout }).toBe(true);
  }

  lastMap(): Promise<Field | null> {
    return this.page.evaluate(() => window.__manifoldLens?.lastMap() ?? null);
  }

  mask(): Promise<Field | null> {
    return this.page.evaluate(() => window.__manifoldLens?.mask() ?? null);
  }

  /** Distinct colours on an overlay canvas (up to 1000), found by its accessible name: 1 means blank. */
  overlayColours(name = 'Anomaly overlay'): Promise<number> {
    return this.page.getByRole('img', { name, exact: true }).evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; data && i < data.length && seen.size < 1000; i += 4) seen.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
      return seen.size;
    });
  }

  /**
   * The threshold's contour on an overlay canvas (its colour, cyan, drawn over the heat and the
   * image): how many pixels show it and their centre, as fractions of the canvas's width and height.
   */
  contourPixels(name = 'Anomaly overlay'): Promise<{ count: number; x: number; y: number }> {
    return this.page.getByRole('img', { name, exact: true }).evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      let [count, sx, sy] = [0, 0, 0];
      for (let p = 0; data && p < canvas.width * canvas.height; p++) {
        const [r, g, b] = [data[p * 4] ?? 0, data[p * 4 + 1] ?? 0, data[p * 4 + 2] ?? 0];
        if (r < 100 && g > 150 && b > 180) {
          count++;
          sx += ((p % canvas.width) + 0.5) / canvas.width;
          sy += (Math.floor(p / canvas.width) + 0.5) / canvas.height;
        }
      }
      return { count, x: count ? sx / count : NaN, y: count ? sy / count : NaN };
    });
  }

  async shot(name: string): Promise<void> {
    mkdirSync(STAGES_DIR, { recursive: true });
    await this.page.screenshot({ path: `${STAGES_DIR}${name}.png` });
  }
}

/** Mean of the map inside and outside a binary mask of the same size. */
export function meanInsideOutside(map: Field, mask: Field): { inside: number; outside: number } {
  let si = 0;
  let ni = 0;
  let so = 0;
  let no = 0;
  map.data.forEach((v, i) => {
    if ((mask.data[i] ?? 0) > 0) {
      si += v;
      ni++;
    } else {
      so += v;
      no++;
    }
  });
  return { inside: si / Math.max(1, ni), outside: so / Math.max(1, no) };
}

/** Requests that leave the page's origin (blob: and data: stay on the machine). */
export function offOrigin(urls: string[], origin: string): string[] {
  return urls.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
}

export const test = base.extend<{ app: AppPage; requests: string[] }>({
  requests: [
    async ({ context, baseURL }, use) => {
      const urls: string[] = [];
      context.on('request', (r) => urls.push(r.url()));
      await use(urls);
      expect(offOrigin(urls, new URL(baseURL ?? '').origin), 'requests that left the origin').toEqual([]);
    },
    { auto: true },
  ],
  app: async ({ page }, use) => {
    await use(new AppPage(page));
  },
});

export { expect };
