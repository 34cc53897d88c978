/**
 * Seeded procedural datasets: normal textures, defective images with exact masks, and a demo set.
 * Everything is a pure function of its arguments, so tests, the demo and the benchmark agree.
 */
import { EngineError } from '../../errors';
import type { Channels, FloatImage, Mask } from '../../types';
import { hash32, mulberry32, randInt, shuffleInPlace } from '../random';
import { PAINTERS } from './defects';
import { textureRgb } from './families';
import type { DefectKind, DefectiveImage, DemoSet, DemoTestImage, TextureFamily } from './types';
import { DEFECT_KINDS, TEXTURE_FAMILIES } from './types';

/** A pixel belongs to a defect mask when some channel changed by more than this (about 5 gray levels). */
export const DEFECT_EPSILON = 0.02;
/** Smallest defect mask accepted, in pixels; smaller draws are retried. */
export const MIN_DEFECT_PIXELS = 4;
const MAX_ATTEMPTS = 16;

/** Salts that separate the random streams derived from one seed. */
export const SALT = { texture: 11, defect: 23, foreign: 37, demoNormal: 41, demoTest: 43, demoOrder: 47 } as const;

function checkArgs(size: number, channels: Channels): void {
  if (!Number.isInteger(size) || size < 8 || size > 1024) {
    throw new EngineError('invalid-argument', `Procedural image size must be an integer from 8 to 1024, got ${size}.`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new EngineError('invalid-argument', `Channels must be 1 or 3, got ${String(channels)}.`);
  }
}

/**
 * A normal (defect-free) texture, size x size. The gray version (channels 1) is the Rec.601 luma
 * of the colour version of the same seed.
 */
export function generateNormal(family: TextureFamily, size: number, channels: Channels, seed: number): FloatImage {
  checkArgs(size, channels);
  const rgb = textureRgb(family, size, hash32(seed, SALT.texture, TEXTURE_FAMILIES.indexOf(family)));
  if (channels === 3) return { width: size, height: size, channels, data: rgb };
  const gray = new Float32Array(size * size);
  for (let i = 0; i < gray.length; i++) {
    gray[i] = 0.299 * (rgb[3 * i] as number) + 0.587 * (rgb[3 * i + 1] as number) + 0.114 * (rgb[3 * i + 2] as number);
  }
  return { width: size, height: size, channels, data: gray };
}

/**
 * Range of the defect size s (curve chord, blob or disc diameter, square side) for an image
 * size: from 3 pixels to half the side, so the largest defect covers about a quarter of the image.
 */
export function defectSizeRange(size: number): { min: number; max: number } {
  return { min: 3, max: Math.max(3, Math.floor(size / 2)) };
}

/** Log-uniform size, so small defects are as common as large ones per octave. */
function drawDefectSize(size: number, rng: () => number): number {
  const { min, max } = defectSizeRange(size);
  return Math.exp(Math.log(min) + rng() * (Math.log(max) - Math.log(min)));
}

/**
 * Mask = pixels where some channel moved by more than DEFECT_EPSILON; every other pixel is reset
 * to the normal value, so outside the mask the image equals the normal image exactly.
 */
export function exactMask(normal: FloatImage, image: FloatImage): Mask {
  const c = image.channels;
  const n = image.width * image.height;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let ch = 0; ch < c; ch++) d = Math.max(d, Math.abs((image.data[i * c + ch] as number) - (normal.data[i * c + ch] as number)));
    if (d > DEFECT_EPSILON) mask[i] = 1;
    else for (let ch = 0; ch < c; ch++) image.data[i * c + ch] = normal.data[i * c + ch] as number;
  }
  return { width: image.width, height: image.height, data: mask };
}

export function countOnes(m: Mask): number {
  let n = 0;
  for (let i = 0; i < m.data.length; i++) n += m.data[i] as number;
  return n;
}

/**
 * generateNormal(family, size, channels, seed) with one defect painted on it (kind drawn from the
 * seed when not given). The mask is exact: 1 where the image differs from that normal image by
 * more than DEFECT_EPSILON, and the image equals it everywhere else. Draws whose mask would be
 * smaller than MIN_DEFECT_PIXELS are redrawn.
 */
export function generateDefective(family: TextureFamily, size: number, channels: Channels, seed: number, kind?: DefectKind): DefectiveImage {
  const normal = generateNormal(family, size, channels, seed);
  const rng = mulberry32(hash32(seed, SALT.defect));
  const k = kind ?? (DEFECT_KINDS[randInt(rng, 0, DEFECT_KINDS.length)] as DefectKind);
  const others = TEXTURE_FAMILIES.filter((f) => f !== family);
  const foreign = (): FloatImage => {
    const f = others[randInt(rng, 0, others.length)] as TextureFamily;
    return generateNormal(f, size, channels, hash32(seed, SALT.foreign));
  };
  let best: DefectiveImage | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const image: FloatImage = { ...normal, data: normal.data.slice() };
    PAINTERS[k](image, { rng, s: drawDefectSize(size, rng), foreign });
    const mask = exactMask(normal, image);
    const found = countOnes(mask);
    if (best === null || found > countOnes(best.mask)) best = { image, mask, kind: k };
    if (found >= MIN_DEFECT_PIXELS) break;
  }
  return best as DefectiveImage;
}

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new EngineError('invalid-argument', `${what} must be a non-negative integer, got ${n}.`);
}

/** Kinds of the test images: about one in five 'good' (at least one when there are 2 or more), the rest cycling through every defect kind. */
function testKinds(test: number, rng: () => number): (DefectKind | 'good')[] {
  const good = test < 2 ? 0 : Math.max(1, Math.round(test / 5));
  const kinds: (DefectKind | 'good')[] = [];
  for (let i = 0; i < test - good; i++) kinds.push(DEFECT_KINDS[i % DEFECT_KINDS.length] as DefectKind);
  for (let i = 0; i < good; i++) kinds.push('good');
  return shuffleInPlace(kinds, rng);
}

/**
 * A demo dataset: `normal` defect-free training images and `test` labelled test images with
 * every defect kind (when test >= 5) plus a few 'good' ones with empty masks, so image-level ROC
 * AUC is defined. Training and test images come from disjoint seed streams. Names are
 * '<kind>_<nnn>' numbered per kind.
 */
export function generateDemo(opts: { family?: TextureFamily; size: number; channels?: Channels; normal: number; test: number; seed: number }): DemoSet {
  const family = opts.family ?? 'fabric';
  const channels = opts.channels ?? 3;
  checkArgs(opts.size, channels);
  checkCount(opts.normal, 'normal');
  checkCount(opts.test, 'test');
  const normal = Array.from({ length: opts.normal }, (_, i) => generateNormal(family, opts.size, channels, hash32(opts.seed, SALT.demoNormal, i)));
  const counters = new Map<string, number>();
  const test = testKinds(opts.test, mulberry32(hash32(opts.seed, SALT.demoOrder))).map((kind, i): DemoTestImage => {
    const seed = hash32(opts.seed, SALT.demoTest, i);
    const n = counters.get(kind) ?? 0;
    counters.set(kind, n + 1);
    const name = `${kind}_${String(n).padStart(3, '0')}`;
    if (kind === 'good') {
      const image = generateNormal(family, opts.size, channels, seed);
      return { name, image, kind, mask: { width: opts.size, height: opts.size, data: new Uint8Array(opts.size * opts.size) } };
    }
    return { name, ...generateDefective(family, opts.size, channels, seed, kind) };
  });
  return { family, size: opts.size, channels, normal, test };
}
