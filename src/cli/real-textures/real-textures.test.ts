/**
 * Tests of the real-texture benchmark generator on synthetic source images (no download): the
 * layout is readable by readMvtecLayout, masks are exact for every defect type, train and test
 * crops come from disjoint columns, and one seed gives the same bytes.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/data/random';
import type { FloatImage, PixelImage } from '../../engine/types';
import { decodeImageFile } from '../decode';
import { readMvtecLayout } from '../mvtec';
import { randomCrop, splitColumns, toFloatRgb } from './crops';
import { REAL_DEFECTS } from './defects';
import { changedPixels, paintDefect } from './masks';
import { buildBenchmark, MARKER } from './write';
import type { BuildOptions, CategoryInput } from './write';

/** A textured RGB source whose red channel is its column index, so crops reveal where they came from. */
function source(width: number, height: number, seed: number): PixelImage {
  const rng = mulberry32(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = 128 + 60 * Math.sin(x / 3 + seed) * Math.cos(y / 4);
      const p = (y * width + x) * 3;
      data[p] = x;
      data[p + 1] = Math.round(Math.min(255, Math.max(0, base + (rng() - 0.5) * 80)));
      data[p + 2] = Math.round(Math.min(255, Math.max(0, 255 - base + (rng() - 0.5) * 60)));
    }
  }
  return { width, height, channels: 3, data };
}

const CATS: CategoryInput[] = [
  { name: 'alpha', sources: [source(100, 60, 1), source(100, 70, 2)] },
  { name: 'beta', sources: [source(80, 64, 3)] },
];
const OPTS: Omit<BuildOptions, 'out'> = { size: 24, seed: 7, train: 5, testGood: 3, perDefect: 4 };

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'real-textures-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(dir, join(e.parentPath, e.name)), await readFile(join(e.parentPath, e.name)));
  }
  return out;
}

describe('buildBenchmark', () => {
  it('writes an MVTec layout that readMvtecLayout reads, with non-empty masks', async () => {
    const summary = await buildBenchmark(CATS, { ...OPTS, out: root });
    expect(summary.map((s) => s.name)).toEqual(['alpha', 'beta']);
    const cats = await readMvtecLayout(root);
    expect(cats.map((c) => c.name)).toEqual(['alpha', 'beta']);
    for (const cat of cats) {
      expect(cat.train).toHaveLength(5);
      expect(cat.test.filter((t) => t.type === 'good')).toHaveLength(3);
      for (const kind of REAL_DEFECTS) {
        const items = cat.test.filter((t) => t.type === kind);
        expect(items.map((t) => t.path.split('/').pop())).toEqual(['large_000.png', 'large_001.png', 'small_000.png', 'small_001.png']);
        for (const item of items) {
          const mask = await decodeImageFile(item.maskPath as string);
          expect(mask.width).toBe(24);
          expect(mask.data.some((v) => v === 255)).toBe(true);
          expect(mask.data.every((v) => v === 0 || v === 255)).toBe(true);
        }
      }
    }
  });

  it('takes train crops from the left columns and good test crops from the right ones', async () => {
    await buildBenchmark(CATS, { ...OPTS, out: root });
    for (const cat of await readMvtecLayout(root)) {
      const sources = CATS.find((c) => c.name === cat.name)?.sources ?? [];
      // Sources of one category share a width, so one cut column holds for all of them.
      const cut = splitColumns((sources[0] as PixelImage).width, 'train').x1;
      expect(splitColumns((sources[0] as PixelImage).width, 'test').x0).toBe(cut);
      for (const path of cat.train) expect(Math.max(...reds(await decodeImageFile(path)))).toBeLessThan(cut);
      for (const t of cat.test.filter((i) => i.type === 'good')) expect(Math.min(...reds(await decodeImageFile(t.path)))).toBeGreaterThanOrEqual(cut);
    }
    const src = CATS.map((c) => c.sources.map(toFloatRgb));
    const rng = mulberry32(3);
    for (let i = 0; i < 200; i++) {
      const sources = src[i % 2] as FloatImage[];
      const tr = randomCrop(sources, 'train', 24, rng);
      const te = randomCrop(sources, 'test', 24, rng);
      expect(tr.x + 24).toBeLessThanOrEqual(splitColumns((sources[tr.source] as FloatImage).width, 'train').x1);
      expect(te.x).toBeGreaterThanOrEqual(splitColumns((sources[te.source] as FloatImage).width, 'test').x0);
    }
  });

  it('gives the same bytes for the same seed and different ones for another seed', async () => {
    await buildBenchmark(CATS, { ...OPTS, out: join(root, 'a') });
    await buildBenchmark(CATS, { ...OPTS, out: join(root, 'b') });
    await buildBenchmark(CATS, { ...OPTS, out: join(root, 'c'), seed: 8 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => filesUnder(join(root, d))));
    expect([...(a as Map<string, Buffer>).keys()].sort()).toEqual([...(b as Map<string, Buffer>).keys()].sort());
    for (const [k, v] of a as Map<string, Buffer>) expect(v.equals(b?.get(k) as Buffer), k).toBe(true);
    expect((a?.get('alpha/train/good/000.png') as Buffer).equals(c?.get('alpha/train/good/000.png') as Buffer)).toBe(false);
  });

  it('overwrites its own output but refuses a foreign non-empty folder', async () => {
    await buildBenchmark(CATS, { ...OPTS, out: root });
    await buildBenchmark(CATS, { ...OPTS, out: root, perDefect: 2 });
    expect((await readMvtecLayout(root))[0]?.test.filter((t) => t.type === 'crack')).toHaveLength(2);
    const other = join(root, 'other');
    await buildBenchmark(CATS, { ...OPTS, out: other });
    await rm(join(other, MARKER));
    await writeFile(join(other, 'notes.txt'), 'x');
    await expect(buildBenchmark(CATS, { ...OPTS, out: other })).rejects.toThrow(/not empty/);
  });
});

function reds(img: PixelImage): number[] {
  return Array.from({ length: img.width * img.height }, (_, i) => img.data[i * img.channels] as number);
}

describe('paintDefect', () => {
  const src = [toFloatRgb(source(200, 120, 5))];
  const foreignSrc = [toFloatRgb(source(200, 120, 9))];
  for (const kind of REAL_DEFECTS) {
    it(`${kind}: the mask is exactly where pixels changed (plus enclosed holes)`, () => {
      for (const scale of ['small', 'large'] as const) {
        for (let seed = 0; seed < 6; seed++) {
          const rng = mulberry32(seed);
          const normal = randomCrop(src, 'test', 64, rng).image;
          const { image, mask } = paintDefect(normal, kind, scale, rng, () => randomCrop(foreignSrc, 'test', 64, rng).image);
          const changed = changedPixels(normal, image);
          let inMask = 0;
          let changedInMask = 0;
          let alteredOutside = 0;
          for (let i = 0; i < mask.data.length; i++) {
            const same = [0, 1, 2].every((ch) => Math.round((image.data[3 * i + ch] as number) * 255) === Math.round((normal.data[3 * i + ch] as number) * 255));
            if (mask.data[i] === 0 && (!same || changed[i])) alteredOutside++;
            inMask += mask.data[i] as number;
            if (mask.data[i] && changed[i]) changedInMask++;
          }
          expect(alteredOutside).toBe(0);
          expect(inMask).toBeGreaterThan(0);
          expect(changedInMask / inMask).toBeGreaterThan(0.6);
          const side = Math.sqrt(inMask);
          expect(side).toBeLessThan(scale === 'small' ? 0.06 * 64 + 4 : 0.2 * 64 + 4);
        }
      }
    });
  }
});
