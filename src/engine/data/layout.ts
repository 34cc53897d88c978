/**
 * Fitting images of any size and shape to a model's square input (InputLayout): the choice of
 * a layout from the data, the letterbox of whole-image mode and the map's crop back to the
 * image, and the scale of patch mode. Plain typed-array code, no tf.
 */
import { EngineError } from '../errors';
import type { AnomalyResult, FloatImage, InputLayout, ModelDescription } from '../types';
import { resizeFloat } from './image';

/** The grey of a letterbox's bands: mid-grey, far from neither black nor white parts. */
export const LETTERBOX_GREY = 0.5;

/** Where the image lies inside the square: [x0, y0, width, height] in working pixels. */
export interface ContentBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The box a width x height image takes when fitted inside a size x size square, centred. */
export function letterboxBox(width: number, height: number, size: number): ContentBox {
  const k = size / Math.max(width, height);
  const w = Math.max(1, Math.min(size, Math.round(width * k)));
  const h = Math.max(1, Math.min(size, Math.round(height * k)));
  return { x: Math.floor((size - w) / 2), y: Math.floor((size - h) / 2), width: w, height: h };
}

/** The image resized inside a size x size square (aspect kept), the bands LETTERBOX_GREY. */
export function letterbox(img: FloatImage, size: number): { image: FloatImage; box: ContentBox } {
  const box = letterboxBox(img.width, img.height, size);
  const inner = img.width === box.width && img.height === box.height ? img : resizeFloat(img, box.width, box.height);
  const c = img.channels;
  const data = new Float32Array(size * size * c).fill(LETTERBOX_GREY);
  for (let r = 0; r < box.height; r++) {
    data.set(inner.data.subarray(r * box.width * c, (r + 1) * box.width * c), ((box.y + r) * size + box.x) * c);
  }
  return { image: { width: size, height: size, channels: c, data }, box };
}

/** The part of a working-size map inside the box: the map of the image itself, bands left out; the score is its max. */
export function cropMap(r: AnomalyResult, box: ContentBox): AnomalyResult {
  // The score is the max over the box, of the score map when the result has one.
  if (box.x === 0 && box.y === 0 && box.width === r.width && box.height === r.height) return r;
  const map = cropField(r.map, r.width, r.height, box);
  const scoreMap = r.scoreMap && cropField(r.scoreMap, r.width, r.height, box);
  let score = 0;
  for (const v of scoreMap ?? map) if (v > score) score = v;
  return { ...r, map, ...(scoreMap ? { scoreMap } : {}), width: box.width, height: box.height, score };
}

/** The box's part of a one-value-per-pixel field of width x height (a map). */
export function cropField(field: Float32Array, width: number, height: number, box: ContentBox): Float32Array {
  return cropImage({ width, height, channels: 1, data: field }, box).data;
}

/** The same crop of an image (x0, f(x0) or x_T shown beside the map). */
export function cropImage(img: FloatImage, box: ContentBox): FloatImage {
  if (box.x === 0 && box.y === 0 && box.width === img.width && box.height === img.height) return img;
  const c = img.channels;
  const data = new Float32Array(box.width * box.height * c);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * img.width + box.x) * c;
    data.set(img.data.subarray(from, from + box.width * c), y * box.width * c);
  }
  return { width: box.width, height: box.height, channels: c, data };
}

/** What a person asks for in the settings: a mode (or auto) and a patch scale (0 = auto). */
export interface LayoutRequest {
  mode: 'auto' | 'whole' | 'patches';
  /** Patch mode's scale: 1, 1/2, 1/4, ...; 0 = auto. */
  scale: number;
}

/** Patch mode's scales, largest first. */
export const PATCH_SCALES = [1, 0.5, 0.25, 0.125, 0.0625] as const;

/**
 * Auto patch scale: the largest of PATCH_SCALES at which the typical image's longer side is at
 * most TILES_ACROSS working sizes (so an image is about TILES_ACROSS x 2 - 1 tiles wide at
 * stride size / 2, and a projection takes tens of tile batches, not thousands).
 */
export const TILES_ACROSS = 4;

/**
 * Auto mode tiles images whose shorter side is at least PATCH_MODE_FROM working sizes and at
 * least PATCH_MODE_MIN_SIDE px: photos of parts and textures. Smaller images (crops, aligned
 * objects, the demo) are fitted whole.
 */
export const PATCH_MODE_FROM = 3;
export const PATCH_MODE_MIN_SIDE = 512;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
}

/**
 * The layout for a model of `size` px from the normal images' sizes: patches when asked, or in
 * auto mode when the typical image's shorter side is PATCH_MODE_FROM working sizes and
 * PATCH_MODE_MIN_SIDE px or more;
 * else whole images, letterboxed. Stride: half the working size.
 */
export function chooseLayout(sizes: { width: number; height: number }[], size: number, request: LayoutRequest): InputLayout {
  if (sizes.length === 0) throw new EngineError('empty-dataset', 'There are no normal images to choose the layout from.');
  const short = median(sizes.map((s) => Math.min(s.width, s.height)));
  const long = median(sizes.map((s) => Math.max(s.width, s.height)));
  const patches = request.mode === 'patches' || (request.mode === 'auto' && short >= Math.max(PATCH_MODE_FROM * size, PATCH_MODE_MIN_SIDE));
  if (!patches) return { mode: 'whole', fit: 'letterbox' };
  const scale = request.scale > 0 ? request.scale : (PATCH_SCALES.find((s) => long * s <= TILES_ACROSS * size) ?? PATCH_SCALES.at(-1)!);
  return { mode: 'patches', scale, stride: Math.max(1, size / 2) };
}

/** The layout a model uses: its stored one, else whole images squashed (files made before layouts). */
export function layoutOf(d: Pick<ModelDescription, 'input'>): InputLayout {
  return d.input ?? { mode: 'whole', fit: 'squash' };
}

/** The size of an image of width x height at patch scale `scale` (at least 1 px a side). */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A layout read from a file: valid, or undefined (the caller then falls back as for older files). */
export function parseLayout(v: unknown): InputLayout | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.mode === 'whole' && (o.fit === 'letterbox' || o.fit === 'squash')) return { mode: 'whole', fit: o.fit };
  const { scale, stride } = o;
  if (o.mode === 'patches' && typeof scale === 'number' && scale > 0 && scale <= 1 && typeof stride === 'number' && Number.isInteger(stride) && stride >= 1) {
    return { mode: 'patches', scale, stride };
  }
  return undefined;
}

/** A scale as a person reads it: 1, 1/2, 1/4, ... (or a decimal for other values). */
export function formatScale(scale: number): string {
  const inv = 1 / scale;
  return scale === 1 ? '1' : Math.abs(inv - Math.round(inv)) < 1e-9 ? `1/${Math.round(inv)}` : String(scale);
}

/** One line for a layout, e.g. "patches of 64 px at 1/8, stride 32" or "whole images, aspect kept". */
export function describeLayout(layout: InputLayout, size: number): string {
  if (layout.mode === 'patches') return `patches of ${size} px at ${formatScale(layout.scale)}, stride ${layout.stride}`;
  return layout.fit === 'letterbox' ? 'whole images, aspect kept' : 'whole images, squashed to a square';
}
