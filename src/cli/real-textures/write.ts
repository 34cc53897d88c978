/**
 * Writes the real-texture benchmark in the MVTec AD layout read by ../mvtec.ts:
 *   OUT/<category>/train/good/000.png ...                  normal crops, left part of the sources
 *   OUT/<category>/test/good/000.png ...                   normal crops, right part
 *   OUT/<category>/test/<defect>/{small,large}_000.png     defective crops, right part
 *   OUT/<category>/ground_truth/<defect>/<name>_mask.png   exact masks (255 = defect)
 * plus OUT/.real-textures.json describing the run. Everything is a function of the sources and the
 * seed: one seed gives the same bytes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../engine/errors';
import { hash32, mulberry32, randInt } from '../../engine/data/random';
import type { FloatImage, PixelImage } from '../../engine/types';
import { encodeMaskPng, encodePng } from '../encode';
import { checkCropSize, randomCrop, toFloatRgb } from './crops';
import { REAL_DEFECTS } from './defects';
import type { DefectScale } from './defects';
import { paintDefect } from './masks';

export const MARKER = '.real-textures.json';

export interface CategoryInput {
  name: string;
  sources: PixelImage[];
  /** Where the sources came from, recorded in the marker file. */
  files?: string[];
}

export interface BuildOptions {
  out: string;
  size: number;
  seed: number;
  train: number;
  testGood: number;
  /** Test images per defect type: the first half (rounded up) small, the rest large. */
  perDefect: number;
}

export const DEFAULTS = { size: 128, seed: 1, train: 60, testGood: 15, perDefect: 6 } as const;

export interface CategorySummary {
  name: string;
  train: number;
  good: number;
  defective: number;
}

const SALT = { train: 1, good: 2, defect: 3, foreign: 4 } as const;
const pad = (i: number): string => String(i).padStart(3, '0');

function fail(message: string): never {
  throw new EngineError('invalid-argument', message);
}

function checkOptions(cats: readonly CategoryInput[], o: BuildOptions): void {
  if (!Number.isInteger(o.size) || o.size < 16) fail(`--size must be an integer of at least 16, got ${o.size}.`);
  if (!Number.isInteger(o.seed)) fail(`--seed must be an integer, got ${o.seed}.`);
  for (const [k, v] of Object.entries({ train: o.train, testGood: o.testGood, perDefect: o.perDefect })) {
    if (!Number.isInteger(v) || v < 1) fail(`${k} must be a positive integer, got ${v}.`);
  }
  if (cats.length < 2) fail('At least 2 categories are needed (foreign patches come from another category).');
  const names = new Set(cats.map((c) => c.name));
  if (names.size !== cats.length) fail('Category names must be unique.');
  for (const n of names) if (!/^[\w-]+$/.test(n)) fail(`Category name ${JSON.stringify(n)} must be letters, digits, _ or -.`);
  for (const c of cats) if (c.sources.length === 0) fail(`Category ${c.name} has no source images.`);
}

/** Removes the categories of an earlier run (named in its marker); refuses a non-empty folder without one. */
async function prepareOut(out: string, names: string[]): Promise<void> {
  if (!existsSync(out)) {
    await mkdir(out, { recursive: true });
    return;
  }
  const entries = await readdir(out);
  if (entries.length === 0) return;
  if (!entries.includes(MARKER)) fail(`${out} is not empty and holds no ${MARKER}; choose an empty or new folder.`);
  const old = JSON.parse(await readFile(join(out, MARKER), 'utf8')) as { categories?: { name?: unknown }[] };
  const oldNames = (old.categories ?? []).map((c) => c.name).filter((n): n is string => typeof n === 'string');
  for (const name of new Set([...oldNames, ...names])) {
    if (name !== '' && !/[\\/]|^\.\.?$/.test(name)) await rm(join(out, name), { recursive: true, force: true });
  }
}

async function put(path: string, bytes: Buffer): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, bytes);
}

/** Builds the benchmark; returns what was written per category. */
export async function buildBenchmark(cats: readonly CategoryInput[], o: BuildOptions): Promise<CategorySummary[]> {
  checkOptions(cats, o);
  const floats = cats.map((c) => c.sources.map(toFloatRgb));
  floats.forEach((f, ci) => checkCropSize(f, o.size, (cats[ci] as CategoryInput).name));
  await prepareOut(o.out, cats.map((c) => c.name));
  // Written first, so an interrupted run can be overwritten by the next one.
  const marker = { generator: 'src/cli/real-textures', ...o, out: undefined, defects: REAL_DEFECTS, categories: cats.map((c) => ({ name: c.name, files: c.files ?? [] })) };
  await writeFile(join(o.out, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  const summary: CategorySummary[] = [];
  for (const [ci, cat] of cats.entries()) {
    const src = floats[ci] as FloatImage[];
    const dir = join(o.out, cat.name);
    const trainRng = mulberry32(hash32(o.seed, ci, SALT.train));
    for (let i = 0; i < o.train; i++) await put(join(dir, 'train', 'good', `${pad(i)}.png`), encodePng(randomCrop(src, 'train', o.size, trainRng).image));
    const goodRng = mulberry32(hash32(o.seed, ci, SALT.good));
    for (let i = 0; i < o.testGood; i++) await put(join(dir, 'test', 'good', `${pad(i)}.png`), encodePng(randomCrop(src, 'test', o.size, goodRng).image));
    const others = floats.filter((_, k) => k !== ci);
    for (const [ki, kind] of REAL_DEFECTS.entries()) {
      const rng = mulberry32(hash32(o.seed, ci, SALT.defect, ki));
      const foreignRng = mulberry32(hash32(o.seed, ci, SALT.foreign, ki));
      const foreign = (): FloatImage => randomCrop(others[randInt(foreignRng, 0, others.length)] as FloatImage[], 'test', o.size, foreignRng).image;
      const nSmall = Math.ceil(o.perDefect / 2);
      for (let i = 0; i < o.perDefect; i++) {
        const scale: DefectScale = i < nSmall ? 'small' : 'large';
        const name = `${scale}_${pad(i < nSmall ? i : i - nSmall)}`;
        const { image, mask } = paintDefect(randomCrop(src, 'test', o.size, rng).image, kind, scale, rng, foreign);
        await put(join(dir, 'test', kind, `${name}.png`), encodePng(image));
        await put(join(dir, 'ground_truth', kind, `${name}_mask.png`), encodeMaskPng(mask));
      }
    }
    summary.push({ name: cat.name, train: o.train, good: o.testGood, defective: o.perDefect * REAL_DEFECTS.length });
  }
  return summary;
}
