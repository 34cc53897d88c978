/**
 * Reads a dataset folder in the MVTec AD layout (Node only):
 *   DIR/<category>/train/good/*.png|jpg|jpeg
 *   DIR/<category>/test/<type>/*            (type 'good' = defect-free, no masks)
 *   DIR/<category>/ground_truth/<type>/<name>_mask.png
 * Entries of DIR that are not category folders (files, folders without train/ and test/) are
 * skipped; DIR may also be one category folder itself. Every inconsistency is one EngineError
 * 'bad-dataset-folder' line naming the path. Paths are sorted, so runs are deterministic.
 * Symbolic links count as what they point to (a category folder linked from elsewhere is read).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EngineError, errorMessage } from '../engine/errors';

export interface MvtecTestItem {
  path: string;
  /** Defect folder name, 'good' for defect-free images. */
  type: string;
  /** null for 'good' images. */
  maskPath: string | null;
}

export interface MvtecCategory {
  name: string;
  dir: string;
  train: string[];
  test: MvtecTestItem[];
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff']);
const EXPECTED =
  'expected DIR/<category>/train/good/*.png, DIR/<category>/test/<type>/*.png and DIR/<category>/ground_truth/<type>/<name>_mask.png';

function fail(message: string): never {
  throw new EngineError('bad-dataset-folder', message);
}

/** Code-unit order: the same on every machine and locale. */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A folder entry, with a symbolic link resolved to its target; a broken link is neither. */
interface Entry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
}

async function entriesOf(dir: string): Promise<Entry[]> {
  const names = (await readdir(dir)).sort(byString);
  return Promise.all(
    names.map(async (name): Promise<Entry> => {
      try {
        const st = await stat(join(dir, name));
        return { name, isFile: st.isFile(), isDirectory: st.isDirectory() };
      } catch {
        return { name, isFile: false, isDirectory: false };
      }
    }),
  );
}

async function list(dir: string): Promise<Entry[]> {
  try {
    return await entriesOf(dir);
  } catch (e) {
    fail(`${dir}: cannot read folder (${errorMessage(e)}).`);
  }
}

/** Listing of a folder, or null when it does not exist. */
async function listIfExists(dir: string): Promise<Entry[] | null> {
  try {
    return await entriesOf(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    fail(`${dir}: cannot read folder (${errorMessage(e)}).`);
  }
}

function isImageName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXT.has(extname(name).toLowerCase());
}

function images(entries: Entry[]): string[] {
  return entries.filter((e) => e.isFile && isImageName(e.name)).map((e) => e.name);
}

function subdirs(entries: Entry[]): string[] {
  return entries.filter((e) => e.isDirectory && !e.name.startsWith('.')).map((e) => e.name);
}

function stem(name: string): string {
  return name.slice(0, name.length - extname(name).length);
}

async function readTrain(dir: string): Promise<string[]> {
  const goodDir = join(dir, 'train', 'good');
  const entries = await listIfExists(goodDir);
  if (entries === null) fail(`${goodDir}: missing folder of normal training images.`);
  const names = images(entries);
  if (names.length === 0) fail(`${goodDir}: no training images (expected .png, .jpg or .jpeg files).`);
  return names.map((n) => join(goodDir, n));
}

/** Masks of one defect type, by the test image stem they belong to ('000_mask.png' -> '000'). */
async function readMasks(gtDir: string): Promise<Map<string, string>> {
  const entries = (await listIfExists(gtDir)) ?? [];
  const masks = new Map<string, string>();
  for (const name of images(entries)) {
    const s = stem(name);
    if (!s.endsWith('_mask')) fail(`${join(gtDir, name)}: mask file name must end in _mask (e.g. 000_mask.png).`);
    masks.set(s.slice(0, -'_mask'.length), join(gtDir, name));
  }
  return masks;
}

async function readTestType(dir: string, type: string): Promise<MvtecTestItem[]> {
  const typeDir = join(dir, 'test', type);
  const names = images(await list(typeDir));
  if (type === 'good') return names.map((n) => ({ path: join(typeDir, n), type, maskPath: null }));
  const gtDir = join(dir, 'ground_truth', type);
  const masks = await readMasks(gtDir);
  const used = new Set<string>();
  const items = names.map((n): MvtecTestItem => {
    const maskPath = masks.get(stem(n));
    if (maskPath === undefined) fail(`${join(typeDir, n)}: no mask (expected ${join(gtDir, `${stem(n)}_mask.png`)}).`);
    used.add(stem(n));
    return { path: join(typeDir, n), type, maskPath };
  });
  for (const [s, maskPath] of masks) {
    if (!used.has(s)) fail(`${maskPath}: mask has no test image (expected ${join(typeDir, `${s}.png`)}).`);
  }
  return items;
}

/** Ground-truth folders must match test folders: a mask folder for a type with no test images is a mismatch. */
async function checkGroundTruthTypes(dir: string, testTypes: string[]): Promise<void> {
  const gtDir = join(dir, 'ground_truth');
  const entries = (await listIfExists(gtDir)) ?? [];
  for (const type of subdirs(entries)) {
    const masks = images(await list(join(gtDir, type)));
    if (masks.length === 0) continue;
    if (type === 'good') fail(`${join(gtDir, type)}: defect-free test images have no masks; remove this folder.`);
    if (!testTypes.includes(type)) fail(`${join(gtDir, type)}: masks with no test images (missing ${join(dir, 'test', type)}).`);
  }
}

async function readCategory(dir: string, name: string): Promise<MvtecCategory> {
  const train = await readTrain(dir);
  const types = subdirs(await list(join(dir, 'test')));
  const test: MvtecTestItem[] = [];
  for (const type of types) test.push(...(await readTestType(dir, type)));
  if (test.length === 0) fail(`${join(dir, 'test')}: no test images (expected test/<type>/*.png).`);
  await checkGroundTruthTypes(dir, types);
  return { name, dir, train, test };
}

/** 'category' when the folder has train/ and test/, 'other' when it has neither (skipped). */
async function classify(dir: string): Promise<'category' | 'other'> {
  const names = subdirs(await list(dir));
  const hasTrain = names.includes('train');
  const hasTest = names.includes('test');
  if (hasTrain && hasTest) return 'category';
  if (hasTrain) fail(`${join(dir, 'test')}: missing test folder (the category has train/).`);
  if (hasTest) fail(`${join(dir, 'train')}: missing train folder (the category has test/).`);
  return 'other';
}

/** Categories of an MVTec-AD-style folder, sorted by name. */
export async function readMvtecLayout(dir: string): Promise<MvtecCategory[]> {
  const entries = await list(dir);
  if ((await classify(dir)) === 'category') return [await readCategory(dir, basename(dir))];
  const categories: MvtecCategory[] = [];
  for (const name of subdirs(entries)) {
    const catDir = join(dir, name);
    if ((await classify(catDir)) === 'category') categories.push(await readCategory(catDir, name));
  }
  if (categories.length === 0) fail(`${dir}: no category folders found; ${EXPECTED}.`);
  return categories;
}
