/**
 * The worker's copy of the dataset. Pixels stay here (capped at MAX_STORED_SIDE) so that any
 * working size can be produced later without sending images back and forth; the page only
 * gets names, sizes and thumbnails. A dropped file's Blob is kept too (the browser holds its
 * bytes, not this heap): patch mode decodes it again at the scale it needs, one image at a
 * time, through a cache bounded in bytes, so no decoded full-resolution photo is kept per image.
 */
import { detectChannels, pixelsToFloat, resizeFloat, toFloatImage } from '../../engine/data/image';
import { scaledSize } from '../../engine/data/layout';
import { generateDemo } from '../../engine/data/procedural';
import { errorMessage, EngineError, isEngineError } from '../../engine/errors';
import type { Channels, FloatImage, Mask, PixelImage } from '../../engine/types';
import { decodeAt, decodeImage, pixelHash } from './decode';
import { InOrderAhead } from './ahead';
import { ByteCache } from './cache';
import type { AddImagesResult, DemoArgs, FileEntry, ImageInfo, ImageSet, RgbaImage } from '../protocol';

type Source = { kind: 'pixels'; pixels: PixelImage } | { kind: 'float'; image: FloatImage };

export interface StoredImage {
  id: string;
  name: string;
  source: Source;
  hash: string;
  /** The image's own size (the file's, before the MAX_STORED_SIDE cap). */
  full: { width: number; height: number };
  /** The dropped file, decoded again for scales the stored pixels are too small for. */
  blob?: Blob;
  mask?: Mask;
  kind?: string;
}

/** Bytes of scaled images kept for reuse (a test image inspected again, the slider re-runs). */
export const SCALED_CACHE_BYTES = 256 * 1024 * 1024;

/** Gray <-> RGB for float images (RGB -> gray with Rec.601 luma, as engine/data does for pixels). */
function convertChannels(img: FloatImage, channels: Channels): FloatImage {
  if (img.channels === channels) return img;
  const n = img.width * img.height;
  const data = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    if (channels === 1) {
      data[p] = 0.299 * (img.data[p * 3] ?? 0) + 0.587 * (img.data[p * 3 + 1] ?? 0) + 0.114 * (img.data[p * 3 + 2] ?? 0);
    } else {
      data.fill(img.data[p] ?? 0, p * 3, p * 3 + 3);
    }
  }
  return { width: img.width, height: img.height, channels, data };
}

function floatToThumb(img: FloatImage): RgbaImage {
  const n = img.width * img.height;
  const data = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = (img.data[p * img.channels + (img.channels === 1 ? 0 : c)] ?? 0) * 255 + 0.5;
    data[p * 4 + 3] = 255;
  }
  return { width: img.width, height: img.height, data };
}

function channelsOf(item: StoredImage): Channels {
  return item.source.kind === 'float' ? item.source.image.channels : detectChannels([item.source.pixels]);
}

export class ImageStore {
  private readonly sets: Record<ImageSet, Map<string, StoredImage>> = { normal: new Map(), test: new Map() };
  private readonly scaledCache = new ByteCache<FloatImage>(SCALED_CACHE_BYTES, (img) => img.data.byteLength);

  list(set: ImageSet): StoredImage[] {
    return [...this.sets[set].values()];
  }

  has(set: ImageSet, id: string): boolean {
    return this.sets[set].has(id);
  }

  get(set: ImageSet, id: string): StoredImage {
    const item = this.sets[set].get(id);
    if (!item) throw new EngineError('invalid-argument', `No ${set} image with id ${id}.`);
    return item;
  }

  remove(set: ImageSet, ids: string[] | 'all'): number {
    const gone = ids === 'all' ? [...this.sets[set].keys()] : ids;
    for (const id of gone) {
      this.sets[set].delete(id);
      this.scaledCache.dropWhere((key) => key.startsWith(`${set}/${id}@`));
    }
    return this.sets[set].size;
  }

  /** Bytes held by the scaled-image cache. */
  get cachedBytes(): number {
    return this.scaledCache.bytes;
  }

  /**
   * Decodes the files and stores them in order; a bad file is refused with its reason and the
   * good ones are kept. The next files are decoded while one is stored (ahead.ts).
   */
  async add(set: ImageSet, files: FileEntry[], onDone?: (done: number) => void): Promise<AddImagesResult> {
    const result: AddImagesResult = { accepted: [], rejected: [] };
    const seen = new Map([...this.sets[set].values()].map((it) => [it.hash, it.name]));
    const decoding = new InOrderAhead(files.length, (k) => decodeImage(files[k]!.blob));
    for (const [i, f] of files.entries()) {
      try {
        const d = await decoding.take(i);
        const hash = pixelHash(d.pixels);
        const twin = seen.get(hash);
        if (twin !== undefined) {
          result.rejected.push({ name: f.name, reason: `same picture as ${twin}` });
        } else {
          seen.set(hash, f.name);
          const full = { width: d.width, height: d.height };
          this.sets[set].set(f.id, { id: f.id, name: f.name, source: { kind: 'pixels', pixels: d.pixels }, hash, full, blob: f.blob });
          const channels = detectChannels([d.pixels]);
          result.accepted.push({ id: f.id, name: f.name, width: d.width, height: d.height, channels, thumb: d.thumb, hasMask: false, note: d.note });
        }
      } catch (e) {
        // Anything that fails for one file (engine or browser error) refuses that file only.
        result.rejected.push({ name: f.name, reason: isEngineError(e) ? e.message : `could not be read: ${errorMessage(e)}` });
      }
      onDone?.(i + 1);
    }
    return result;
  }

  /** Replaces both sets with a procedural demo (normal textures; test images with masks). */
  loadDemo(args: DemoArgs): { normal: ImageInfo[]; test: ImageInfo[] } {
    // Tiles, not fabric: at the default 64 px and 40 images the VAE learns tiles (and stone) in
    // its default training, while on fabric it collapses to the mean image (npm run eval, README).
    const demo = generateDemo({ family: 'tiles', size: args.size, normal: args.normal, test: args.test, seed: args.seed });
    this.remove('normal', 'all');
    this.remove('test', 'all');
    const normal = demo.normal.map((image, i) => this.putFloat('normal', { id: `demo-n${i}`, name: `${demo.family}_${String(i).padStart(3, '0')}` }, image));
    const test = demo.test.map((t, i) => this.putFloat('test', { id: `demo-t${i}`, name: t.name, mask: t.mask, kind: t.kind }, t.image));
    return { normal, test };
  }

  /** An image made in the worker (the demo's, the tests'), kept as floats. */
  putFloat(set: ImageSet, meta: { id: string; name: string; mask?: Mask; kind?: string }, image: FloatImage): ImageInfo {
    const item: StoredImage = { ...meta, source: { kind: 'float', image }, hash: pixelHash(image), full: { width: image.width, height: image.height } };
    this.sets[set].set(meta.id, item);
    const hasMask = meta.mask !== undefined && meta.mask.data.some((v) => v > 0);
    return { id: meta.id, name: meta.name, width: image.width, height: image.height, channels: image.channels, thumb: floatToThumb(image), kind: meta.kind, hasMask };
  }

  /** Channel count the model should use: 1 only if every normal image is gray. */
  datasetChannels(set: ImageSet): Channels {
    return this.list(set).every((it) => channelsOf(it) === 1) ? 1 : 3;
  }

  /** The image as stored (longest side at most MAX_STORED_SIDE, aspect kept) with `channels`. */
  stored(item: StoredImage, channels: Channels): FloatImage {
    if (item.source.kind === 'pixels') return pixelsToFloat(item.source.pixels, channels);
    return convertChannels({ ...item.source.image, data: item.source.image.data.slice() }, channels);
  }

  /**
   * The image at `scale` of its own size (patch mode), aspect kept: from the stored pixels when
   * they are large enough, else decoded again from its file at that size. Cached (bounded);
   * the caller must not change the returned image.
   */
  async scaled(set: ImageSet, item: StoredImage, scale: number, channels: Channels): Promise<FloatImage> {
    const key = `${set}/${item.id}@${scale}:${channels}`;
    const hit = this.scaledCache.get(key);
    if (hit) return hit;
    const { width, height } = scaledSize(item.full.width, item.full.height, scale);
    const have = item.source.kind === 'pixels' ? item.source.pixels : item.source.image;
    let img: FloatImage;
    if (item.blob && (width > have.width || height > have.height)) {
      img = pixelsToFloat(await decodeAt(item.blob, width, height), channels);
    } else {
      const own = this.stored(item, channels);
      img = own.width === width && own.height === height ? own : resizeFloat(own, width, height);
    }
    this.scaledCache.set(key, img);
    return img;
  }

  /** The image at the working size and channel count, squashed to the square (a fresh array each call). */
  working(item: StoredImage, size: number, channels: Channels): FloatImage {
    if (item.source.kind === 'pixels') return toFloatImage(item.source.pixels, { size, channels });
    const img = item.source.image;
    const sized = img.width === size && img.height === size ? { ...img, data: img.data.slice() } : resizeFloat(img, size, size);
    return convertChannels(sized, channels);
  }
}
