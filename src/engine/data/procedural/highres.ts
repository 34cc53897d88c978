/**
 * High-resolution procedural sets for patch mode: rectangular textures (e.g. 512 x 384) whose
 * pattern keeps the pixel scale of a `featureSize` image (threads, tiles and stone grains as at
 * 64 px, many of them), with small defects (3 to 12 px by default) and exact masks, as a photo
 * of a part at its own resolution would show them.
 */
import { EngineError } from '../../errors';
import type { Channels, FloatImage } from '../../types';
import { hash32, mulberry32, randInt, shuffleInPlace } from '../random';
import { PAINTERS } from './defects';
import { textureRgb } from './families';
import { countOnes, exactMask, MIN_DEFECT_PIXELS, SALT } from './generate';
import type { DefectKind, DemoTestImage, TextureFamily } from './types';
import { DEFECT_KINDS, TEXTURE_FAMILIES } from './types';

export interface HighResOptions {
  family: TextureFamily;
  width: number;
  height: number;
  channels?: Channels;
  normal: number;
  test: number;
  seed: number;
  /** The image size the pattern's scale is drawn for (default 64). */
  featureSize?: number;
  /** Defect sizes in pixels, log-uniform (default 3 to 12). */
  defectMin?: number;
  defectMax?: number;
}

export interface HighResSet {
  normal: FloatImage[];
  test: DemoTestImage[];
}

function normalImage(o: HighResOptions, seed: number, family = o.family): FloatImage {
  const side = Math.max(o.width, o.height);
  const rgb = textureRgb(family, side, hash32(seed, SALT.texture, TEXTURE_FAMILIES.indexOf(family)), o.featureSize ?? 64);
  const c = o.channels ?? 3;
  const data = new Float32Array(o.width * o.height * c);
  for (let y = 0; y < o.height; y++) {
    for (let x = 0; x < o.width; x++) {
      const s = (y * side + x) * 3;
      const d = (y * o.width + x) * c;
      if (c === 3) data.set(rgb.subarray(s, s + 3), d);
      else data[d] = 0.299 * rgb[s]! + 0.587 * rgb[s + 1]! + 0.114 * rgb[s + 2]!;
    }
  }
  return { width: o.width, height: o.height, channels: c, data };
}

function defective(o: HighResOptions, seed: number, kind: DefectKind): DemoTestImage & { kind: DefectKind } {
  const normal = normalImage(o, seed);
  const rng = mulberry32(hash32(seed, SALT.defect));
  const others = TEXTURE_FAMILIES.filter((f) => f !== o.family);
  const foreign = () => normalImage(o, hash32(seed, SALT.foreign), others[randInt(rng, 0, others.length)]);
  const lo = Math.log(o.defectMin ?? 3);
  const hi = Math.log(o.defectMax ?? 12);
  let best: DemoTestImage & { kind: DefectKind } = { name: '', image: normal, mask: { width: o.width, height: o.height, data: new Uint8Array(o.width * o.height) }, kind };
  for (let attempt = 0; attempt < 16; attempt++) {
    const image: FloatImage = { ...normal, data: normal.data.slice() };
    PAINTERS[kind](image, { rng, s: Math.exp(lo + rng() * (hi - lo)), foreign });
    const mask = exactMask(normal, image);
    if (countOnes(mask) > countOnes(best.mask)) best = { name: '', image, mask, kind };
    if (countOnes(mask) >= MIN_DEFECT_PIXELS) break;
  }
  return best;
}

/** `normal` training images and `test` images (about one in five good, the rest every defect kind in turn), names '<kind>_<nnn>'. */
export function generateHighRes(o: HighResOptions): HighResSet {
  if (!Number.isInteger(o.width) || !Number.isInteger(o.height) || o.width < 16 || o.height < 16 || o.width * o.height > 4096 * 4096) {
    throw new EngineError('invalid-argument', `High-resolution images must be from 16 x 16 to 4096 x 4096 px (got ${o.width} x ${o.height}).`);
  }
  const normal = Array.from({ length: o.normal }, (_, i) => normalImage(o, hash32(o.seed, SALT.demoNormal, i)));
  const good = o.test < 2 ? 0 : Math.max(1, Math.round(o.test / 5));
  const kinds: (DefectKind | 'good')[] = [...Array.from({ length: o.test - good }, (_, i) => DEFECT_KINDS[i % DEFECT_KINDS.length]!), ...Array.from({ length: good }, () => 'good' as const)];
  shuffleInPlace(kinds, mulberry32(hash32(o.seed, SALT.demoOrder)));
  const counters = new Map<string, number>();
  const test = kinds.map((kind, i): DemoTestImage => {
    const seed = hash32(o.seed, SALT.demoTest, i);
    const n = counters.get(kind) ?? 0;
    counters.set(kind, n + 1);
    const name = `${kind}_${String(n).padStart(3, '0')}`;
    if (kind === 'good') return { name, image: normalImage(o, seed), mask: { width: o.width, height: o.height, data: new Uint8Array(o.width * o.height) }, kind };
    return { ...defective(o, seed, kind), name };
  });
  return { normal, test };
}
