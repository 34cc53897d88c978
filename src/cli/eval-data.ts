/** Evaluation sets for the CLI: the procedural benchmark or a folder in the MVTec AD layout. */
import { generateDemo, generateHighRes, type TextureFamily } from '../engine/data/procedural';
import { detectChannels, maskFromPixels, pixelsToFloat, toFloatImage } from '../engine/data/image';
import type { Channels, FloatImage, Mask, PixelImage } from '../engine/types';
import { decodeImageFile } from './decode';
import { readMvtecLayout, type MvtecCategory } from './mvtec';

export interface EvalTestImage {
  name: string;
  image: FloatImage;
  mask: Mask;
  /** 1 = anomalous (has a defect), 0 = good. */
  label: 0 | 1;
  /** The defect type ('good' for good images): the MVTec folder or the procedural kind. */
  defect: string;
}

export interface EvalCategory {
  name: string;
  train: FloatImage[];
  test: EvalTestImage[];
}

export const PROCEDURAL_FAMILIES: readonly TextureFamily[] = ['fabric', 'tiles', 'stone'];

/** The high-resolution procedural benchmark: width x height textures with 3 to 12 px defects. */
export function highResCategories(width: number, height: number, seed: number, normal: number, test: number): EvalCategory[] {
  return PROCEDURAL_FAMILIES.map((family, i) => {
    const set = generateHighRes({ family, width, height, normal, test, seed: seed + 1000 * i });
    return { name: family, train: set.normal, test: set.test.map((t) => ({ name: t.name, image: t.image, mask: t.mask, label: t.kind === 'good' ? 0 : 1, defect: t.kind })) };
  });
}

export function proceduralCategories(size: number, seed: number, normal: number, test: number): EvalCategory[] {
  return PROCEDURAL_FAMILIES.map((family, i) => {
    const demo = generateDemo({ family, size, normal, test, seed: seed + 1000 * i });
    return {
      name: family,
      train: demo.normal,
      test: demo.test.map((t) => ({ name: t.name, image: t.image, mask: t.mask, label: t.kind === 'good' ? 0 : 1, defect: t.kind })),
    };
  });
}

/** Lists the categories first (so a bad folder fails before any work), then loads them one by one. */
export async function mvtecCategories(dir: string): Promise<{
  names: string[];
  load: (name: string, size: number) => Promise<EvalCategory>;
  /** Images and masks at their own resolution (patch mode). */
  loadNative: (name: string) => Promise<EvalCategory>;
}> {
  const layout = await readMvtecLayout(dir);
  const byName = new Map(layout.map((c) => [c.name, c]));
  return {
    names: layout.map((c) => c.name),
    load: async (name, size) => loadMvtecCategory(byName.get(name)!, size),
    loadNative: async (name) => loadMvtecNative(byName.get(name)!),
  };
}

async function loadMvtecCategory(cat: MvtecCategory, size: number): Promise<EvalCategory> {
  const trainPixels: PixelImage[] = [];
  for (const p of cat.train) trainPixels.push(await decodeImageFile(p));
  const channels: Channels = detectChannels(trainPixels);
  const train = trainPixels.map((img) => toFloatImage(img, { size, channels }));
  trainPixels.length = 0;
  const test: EvalTestImage[] = [];
  for (const t of cat.test) {
    const image = toFloatImage(await decodeImageFile(t.path), { size, channels });
    const mask = t.maskPath ? maskFromPixels(await decodeImageFile(t.maskPath), size, size) : emptyMask(size);
    const name = t.path.slice(cat.dir.length + 1);
    test.push({ name, image, mask, label: t.type === 'good' ? 0 : 1, defect: t.type });
  }
  return { name: cat.name, train, test };
}

async function loadMvtecNative(cat: MvtecCategory): Promise<EvalCategory> {
  const trainPixels: PixelImage[] = [];
  for (const p of cat.train) trainPixels.push(await decodeImageFile(p));
  const channels: Channels = detectChannels(trainPixels);
  const train = trainPixels.map((img) => pixelsToFloat(img, channels));
  trainPixels.length = 0;
  const test: EvalTestImage[] = [];
  for (const t of cat.test) {
    const image = pixelsToFloat(await decodeImageFile(t.path), channels);
    const mask = t.maskPath ? maskFromPixels(await decodeImageFile(t.maskPath), image.width, image.height) : { width: image.width, height: image.height, data: new Uint8Array(image.width * image.height) };
    test.push({ name: t.path.slice(cat.dir.length + 1), image, mask, label: t.type === 'good' ? 0 : 1, defect: t.type });
  }
  return { name: cat.name, train, test };
}

function emptyMask(size: number): Mask {
  return { width: size, height: size, data: new Uint8Array(size * size) };
}
