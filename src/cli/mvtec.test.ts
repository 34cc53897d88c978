import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEngineError } from '../engine/errors';
import { encodePng } from './encode';
import { readMvtecLayout } from './mvtec';

let root = '';
const PNG_BYTES = encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) });

async function put(rel: string, content: Buffer | string = PNG_BYTES): Promise<void> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** A valid category: 2 train images, 1 good and 2 defective test images (one type each), masks for the defects. */
async function category(name: string, defect: string): Promise<void> {
  await put(`${name}/train/good/001.png`);
  await put(`${name}/train/good/000.png`);
  await put(`${name}/test/good/000.png`);
  await put(`${name}/test/${defect}/001.png`);
  await put(`${name}/test/${defect}/000.jpg`);
  await put(`${name}/ground_truth/${defect}/000_mask.png`);
  await put(`${name}/ground_truth/${defect}/001_mask.png`);
}

async function failure(dir: string): Promise<string> {
  try {
    await readMvtecLayout(dir);
  } catch (e) {
    expect(isEngineError(e, 'bad-dataset-folder')).toBe(true);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected readMvtecLayout to fail');
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ml-mvtec-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readMvtecLayout', () => {
  it('reads every category, sorted, and skips non-category entries', async () => {
    await category('zipper', 'broken_teeth');
    await category('carpet', 'hole');
    await put('carpet/test/hole/.DS_Store', 'junk');
    await put('manifest.json', '{"categories": 2}');
    await put('previews/carpet.png');
    const cats = await readMvtecLayout(root);
    expect(cats.map((c) => c.name)).toEqual(['carpet', 'zipper']);
    const carpet = cats[0];
    expect(carpet?.dir).toBe(join(root, 'carpet'));
    expect(carpet?.train).toEqual([join(root, 'carpet/train/good/000.png'), join(root, 'carpet/train/good/001.png')]);
    expect(carpet?.test).toEqual([
      { path: join(root, 'carpet/test/good/000.png'), type: 'good', maskPath: null },
      { path: join(root, 'carpet/test/hole/000.jpg'), type: 'hole', maskPath: join(root, 'carpet/ground_truth/hole/000_mask.png') },
      { path: join(root, 'carpet/test/hole/001.png'), type: 'hole', maskPath: join(root, 'carpet/ground_truth/hole/001_mask.png') },
    ]);
    expect(cats[1]?.test.filter((t) => t.type === 'broken_teeth')).toHaveLength(2);
  });

  it('accepts a single category folder given directly', async () => {
    await category('bottle', 'crack');
    const cats = await readMvtecLayout(join(root, 'bottle'));
    expect(cats.map((c) => [c.name, c.test.length])).toEqual([['bottle', 3]]);
  });

  it('follows symbolic links to category folders, image folders and images; skips a broken link', async () => {
    const elsewhere = join(root, 'elsewhere');
    await category('data/real', 'crack');
    const linked = join(elsewhere, 'linked');
    await mkdir(join(elsewhere, 'shared-good'), { recursive: true });
    await writeFile(join(elsewhere, 'shared-good', '000.png'), PNG_BYTES);
    await writeFile(join(elsewhere, 'one.png'), PNG_BYTES);
    await mkdir(join(linked, 'train'), { recursive: true });
    await symlink(join(elsewhere, 'shared-good'), join(linked, 'train', 'good'));
    await mkdir(join(linked, 'test', 'good'), { recursive: true });
    await symlink(join(elsewhere, 'one.png'), join(linked, 'test', 'good', '000.png'));
    await symlink(join(elsewhere, 'missing.png'), join(linked, 'test', 'good', '001.png'));
    const data = join(root, 'data');
    await symlink(linked, join(data, 'linked'));
    const cats = await readMvtecLayout(data);
    expect(cats.map((c) => c.name)).toEqual(['linked', 'real']);
    expect(cats[0]?.train).toEqual([join(data, 'linked/train/good/000.png')]);
    expect(cats[0]?.test.map((t) => t.path)).toEqual([join(data, 'linked/test/good/000.png')]);
  });

  it('says what layout it expects when there are no categories', async () => {
    await put('manifest.json', '{}');
    await put('previews/a.png');
    const msg = await failure(root);
    expect(msg).toContain(root);
    expect(msg).toMatch(/no category folders.*<category>\/train\/good/);
  });

  it('names the train/good folder when it has no images', async () => {
    await category('carpet', 'hole');
    await rm(join(root, 'carpet/train/good/000.png'));
    await rm(join(root, 'carpet/train/good/001.png'));
    await put('carpet/train/good/notes.txt', 'x');
    expect(await failure(root)).toContain(`${join(root, 'carpet/train/good')}: no training images`);
    await rm(join(root, 'carpet/train/good'), { recursive: true });
    expect(await failure(root)).toContain(`${join(root, 'carpet/train/good')}: missing folder`);
  });

  it('names a defect image that has no mask, and the mask it expected', async () => {
    await category('carpet', 'hole');
    await put('carpet/test/hole/002.png');
    const msg = await failure(root);
    expect(msg).toContain(join(root, 'carpet/test/hole/002.png'));
    expect(msg).toContain(join(root, 'carpet/ground_truth/hole/002_mask.png'));
  });

  it('names a mask that has no test image', async () => {
    await category('carpet', 'hole');
    await put('carpet/ground_truth/hole/007_mask.png');
    const msg = await failure(root);
    expect(msg).toContain(`${join(root, 'carpet/ground_truth/hole/007_mask.png')}: mask has no test image`);
  });

  it('names a ground-truth folder whose defect type has no test folder', async () => {
    await category('carpet', 'hole');
    await put('carpet/ground_truth/cut/000_mask.png');
    expect(await failure(root)).toContain(`${join(root, 'carpet/ground_truth/cut')}: masks with no test images`);
  });

  it('names a category with train/ but no test/', async () => {
    await category('carpet', 'hole');
    await put('wood/train/good/000.png');
    expect(await failure(root)).toContain(`${join(root, 'wood/test')}: missing test folder`);
  });

  it('names a folder that does not exist', async () => {
    const missing = join(root, 'nope');
    expect(await failure(missing)).toContain(`${missing}: cannot read folder`);
  });
});
