/**
 * The command line gives the page's map: a model trained on the demo in the page (WASM), an
 * uploaded PNG inspected there, the model exported, and `src/cli/inspect.ts` run on a folder
 * holding the same PNG. Its projection map must equal the page's to 1e-4, its verdict must use the
 * model's calibrated threshold.
 */
import type { Download } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test, TINY, type Field } from './fixtures';
import { texturePng } from './images';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NAME = 'dented.png';

function readF32(bytes: Buffer): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function maxAbsDiff(a: Field, b: Field): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  return a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - (b.data[i] ?? NaN))), 0);
}

function csvRow(csv: string, file: string, method: string): Record<string, string> {
  const [head, ...lines] = csv.trim().split('\n');
  const keys = (head ?? '').split(',');
  const line = lines.find((l) => l.startsWith(`${file},${method},`)) ?? '';
  return Object.fromEntries(line.split(',').map((v, i) => [keys[i], v]));
}

/** Runs the command on a folder holding only `png`; its projection CSV row and raw map. */
function inspectWithCli(work: string, zip: Buffer, png: Buffer): { row: Record<string, string>; map: Field } {
  const model = join(work, 'model.zip');
  writeFileSync(model, zip);
  mkdirSync(join(work, 'images'));
  writeFileSync(join(work, 'images', NAME), png);
  const out = join(work, 'out');
  const args = ['tsx', 'src/cli/inspect.ts', '--model', model, join(work, 'images'), '--out', out, '--backend', 'wasm'];
  execFileSync('npx', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  const row = csvRow(readFileSync(join(out, 'results.csv'), 'utf8'), NAME, 'projection');
  return { row, map: { width: Number(row.width), height: Number(row.height), data: readF32(readFileSync(join(out, 'dented.projection.f32'))) } };
}

test('the command line inspects an image exactly as the page does, with the calibrated threshold', async ({ app, page }) => {
  const work = mkdtempSync(join(tmpdir(), 'ml-inspect-e2e-'));
  try {
    const png = texturePng(999, 32, true);
    await app.open({ backend: 'wasm', ...TINY, epochs: 2 });
    expect(await app.backend()).toBe('wasm');
    await app.tryDemo();
    await page.getByLabel('Test images', { exact: true }).setInputFiles([{ name: NAME, mimeType: 'image/png', buffer: png }]);
    const item = page.getByTestId('test-item').filter({ hasText: NAME });
    await expect(item).toHaveCount(1);
    await app.train();
    await app.inspect(item);
    const pageMap = await app.lastMap();
    if (!pageMap) throw new Error('no map on the page after inspecting the uploaded image');
    const pageScore = (await page.evaluate(() => window.__manifoldLens?.tests() ?? [])).find((t) => t.name === NAME)?.score ?? null;

    const [dl]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export model' }).click()]);
    const zip = readFileSync((await dl.path()) ?? '');
    const { row, map: cliMap } = inspectWithCli(work, zip, png);
    const diff = maxAbsDiff(cliMap, pageMap);
    test.info().annotations.push({ type: 'max |page - cli| projection map', description: String(diff) });
    expect(diff).toBeLessThan(1e-4);
    expect(Math.abs(Number(row.score) - (pageScore ?? NaN))).toBeLessThan(1e-4);

    const meta = JSON.parse(strFromU8(unzipSync(zip)['metadata.json'] ?? new Uint8Array()));
    const calibrated: number = meta.calibration.projection.imageThreshold;
    expect(Number(row.threshold)).toBe(calibrated);
    expect(row.threshold_stale).toBe('false');
    expect(row.verdict).toBe(Number(row.score) > calibrated ? 'anomalous' : 'normal');
    expect(row.iterations).toBe(String(TINY.iterations));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
