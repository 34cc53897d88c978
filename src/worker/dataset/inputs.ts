/**
 * The dataset's images as a model with a given layout takes them (engine/data/layout.ts):
 * whole images squashed or letterboxed to the working size, or, in patch mode, random crops of
 * the images at the model's scale for training and the whole scaled image for tiling.
 */
import { letterbox, type ContentBox } from '../../engine/data/layout';
import { mulberry32 } from '../../engine/data/random';
import { randomPatches } from '../../engine/tiles/patches';
import { fitForTiles } from '../../engine/tiles/score';
import type { Channels, FloatImage, InputLayout } from '../../engine/types';
import type { ImageSet } from '../protocol';
import type { ImageStore, StoredImage } from './images';

/** An image ready for the model: the square it sees (or the scaled image to tile) and where the image lies in it. */
export interface ModelInput {
  image: FloatImage;
  /** Letterbox: the image's box inside the square (the maps are cropped to it); null: all of it. */
  box: ContentBox | null;
}

export interface InputSpec {
  layout: InputLayout;
  size: number;
  channels: Channels;
}

/** Training crops in patch mode: about 8 per image, at least 256 and at most 2048 in all. */
export function patchesPerImage(images: number): number {
  const total = Math.min(2048, Math.max(256, 8 * images));
  return Math.max(1, Math.round(total / Math.max(1, images)));
}

/** One image of a set as the model takes it: a fresh image each call, the caller may keep or transfer it. */
export async function modelInput(store: ImageStore, set: ImageSet, item: StoredImage, spec: InputSpec): Promise<ModelInput> {
  const { layout, size, channels } = spec;
  if (layout.mode === 'patches') {
    // The scaled image is the store's cached one: hand out a copy (results are transferred to the page).
    const scaled = await store.scaled(set, item, layout.scale, channels);
    const fitted = fitForTiles(scaled, size);
    return { image: fitted === scaled ? { ...scaled, data: scaled.data.slice() } : fitted, box: null };
  }
  if (layout.fit === 'squash') return { image: store.working(item, size, channels), box: null };
  return letterbox(store.stored(item, channels), size);
}

/**
 * The training images of a layout: each normal image as the model takes it, or in patch mode
 * patchesPerImage(n) random crops of each image at the scale (decoded one image at a time, so
 * only the crops stay). `onImage` counts the images done.
 */
export async function trainingInputs(store: ImageStore, items: StoredImage[], spec: InputSpec, seed: number, onImage?: (done: number) => void): Promise<FloatImage[]> {
  const out: FloatImage[] = [];
  const rng = mulberry32(seed + 17);
  const per = patchesPerImage(items.length);
  for (const [i, item] of items.entries()) {
    const input = await modelInput(store, 'normal', item, spec);
    if (spec.layout.mode === 'patches') out.push(...randomPatches([input.image], spec.size, per, rng));
    else out.push(input.image);
    onImage?.(i + 1);
  }
  return out;
}
