/**
 * The three normal-texture families. Each draws per-seed parameters (scale, phase, orientation,
 * palette jitter) and adds per-pixel noise, so no two seeds give the same image and a model has
 * to learn a distribution rather than memorise one picture. Every generator writes RGB; gray
 * versions are derived from it by luma in generate.ts.
 */
import { mulberry32, randRange } from '../random';
import { clamp01, fbm, lattice, valueNoise } from './noise';
import type { Rgb, TextureFamily } from './types';

type Rng = () => number;

/** Writes RGB pixel (x, y) of a size x size image. */
function put(out: Float32Array, size: number, x: number, y: number, c: Rgb, k: number): void {
  const p = (y * size + x) * 3;
  out[p] = clamp01(c[0] * k);
  out[p + 1] = clamp01(c[1] * k);
  out[p + 2] = clamp01(c[2] * k);
}

/** A palette colour with per-seed jitter (slight hue and brightness change). */
function jitter(c: Rgb, rng: Rng, amount: number): Rgb {
  const b = randRange(rng, -amount, amount);
  return [
    clamp01(c[0] + b + randRange(rng, -amount, amount) / 2),
    clamp01(c[1] + b + randRange(rng, -amount, amount) / 2),
    clamp01(c[2] + b + randRange(rng, -amount, amount) / 2),
  ];
}

interface FabricParams {
  period: number;
  cos: number;
  sin: number;
  phase: [number, number];
  wave: { amp: number; len: number; phase: number };
  warp: Rgb;
  weft: Rgb;
}

function fabricParams(size: number, rng: Rng): FabricParams {
  const angle = randRange(rng, -0.07, 0.07);
  return {
    period: Math.max(4, size / randRange(rng, 7, 10)),
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    phase: [randRange(rng, 0, 2), randRange(rng, 0, 2)],
    wave: { amp: randRange(rng, 0.04, 0.12), len: randRange(rng, 5, 9), phase: randRange(rng, 0, 2 * Math.PI) },
    warp: jitter([0.17, 0.27, 0.52], rng, 0.04),
    weft: jitter([0.8, 0.79, 0.74], rng, 0.04),
  };
}

/**
 * Plain weave: warp (vertical) and weft (horizontal) threads alternate over and under on a
 * checkerboard of crossings. Threads are rounded (sin profile), slightly wavy, and each thread
 * has its own brightness, with fibre noise on top.
 */
function fabric(size: number, rng: Rng, seed: number, featureSize: number): Float32Array {
  const p = fabricParams(featureSize, rng);
  const out = new Float32Array(size * size * 3);
  const twoPi = 2 * Math.PI;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const xr = x * p.cos - y * p.sin;
      const yr = x * p.sin + y * p.cos;
      const u = xr / p.period + p.phase[0] + p.wave.amp * Math.sin((twoPi * yr) / (p.period * p.wave.len) + p.wave.phase);
      const v = yr / p.period + p.phase[1] + p.wave.amp * Math.sin((twoPi * xr) / (p.period * p.wave.len));
      const i = Math.floor(u);
      const j = Math.floor(v);
      const warpOver = ((i + j) & 1) === 0;
      const across = warpOver ? u - i : v - j;
      const along = warpOver ? v - j : u - i;
      const thread = 0.85 + 0.3 * lattice(seed, warpOver ? i : 7919, warpOver ? 7919 : j);
      const shade = Math.pow(Math.sin(Math.PI * across), 0.6) * (0.7 + 0.3 * Math.sin(Math.PI * along)) * thread;
      // Fibres run along the thread: noise that changes fast across it and slowly along it.
      const fibre = warpOver ? valueNoise(seed + 17, u * 6, v * 1.5) : valueNoise(seed + 19, u * 1.5, v * 6);
      const k = (0.25 + 0.75 * shade) * (0.88 + 0.24 * fibre);
      put(out, size, x, y, warpOver ? p.warp : p.weft, k);
    }
  }
  return out;
}

interface TileParams {
  tile: number;
  grout: number;
  offset: [number, number];
  tileColour: Rgb;
  groutColour: Rgb;
}

function tileParams(size: number, rng: Rng): TileParams {
  const tile = size / randRange(rng, 2.6, 4.2);
  return {
    tile,
    grout: Math.max(1.2, tile * randRange(rng, 0.07, 0.12)),
    offset: [randRange(rng, 0, tile), randRange(rng, 0, tile)],
    tileColour: jitter([0.78, 0.44, 0.3], rng, 0.05),
    groutColour: jitter([0.36, 0.35, 0.33], rng, 0.03),
  };
}

/** Distance (pixels) from a coordinate to the nearest grid line, and the cell index. */
function gridDistance(t: number, cell: number): [number, number] {
  const k = Math.floor(t / cell);
  const f = t - k * cell;
  return [Math.min(f, cell - f), k];
}

/**
 * Square tiles on a randomly offset grid with grout lines between them. Each tile has its own
 * shade, a soft bevel towards its edges and a mottled glaze; the grout is rough.
 */
function tiles(size: number, rng: Rng, seed: number, featureSize: number): Float32Array {
  const p = tileParams(featureSize, rng);
  const out = new Float32Array(size * size * 3);
  const bevel = p.tile * 0.15;
  for (let y = 0; y < size; y++) {
    const [dy, j] = gridDistance(y + 0.5 + p.offset[1], p.tile);
    for (let x = 0; x < size; x++) {
      const [dx, i] = gridDistance(x + 0.5 + p.offset[0], p.tile);
      const d = Math.min(dx, dy);
      const cover = clamp01(d - p.grout / 2 + 0.5);
      const shade = 0.88 + 0.24 * lattice(seed, i, j);
      const edge = 0.85 + 0.15 * clamp01(d / bevel);
      const glaze = 0.95 + 0.1 * fbm(seed + 3, x / 6, y / 6, 2);
      const rough = 0.85 + 0.3 * valueNoise(seed + 5, x * 0.8, y * 0.8);
      const pix = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const t = (p.tileColour[c] as number) * shade * edge * glaze;
        out[pix + c] = clamp01(cover * t + (1 - cover) * (p.groutColour[c] as number) * rough);
      }
    }
  }
  return out;
}

interface StoneParams {
  scale: number;
  contrast: number;
  low: Rgb;
  high: Rgb;
  speckles: number;
}

function stoneParams(size: number, rng: Rng): StoneParams {
  return {
    scale: size / randRange(rng, 2.5, 4.5),
    contrast: randRange(rng, 1.4, 2.0),
    low: jitter([0.4, 0.38, 0.36], rng, 0.04),
    high: jitter([0.74, 0.7, 0.63], rng, 0.04),
    speckles: randRange(rng, 0.03, 0.07),
  };
}

/** Granular stone: multi-octave value noise between two palette colours, fine grain and dark/light speckles. */
function stone(size: number, rng: Rng, seed: number, featureSize: number): Float32Array {
  const p = stoneParams(featureSize, rng);
  const out = new Float32Array(size * size * 3);
  const dark: Rgb = [0.13, 0.12, 0.12];
  const light: Rgb = [0.95, 0.94, 0.91];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const n = fbm(seed, x / p.scale, y / p.scale, 4);
      const t = clamp01((n - 0.5) * p.contrast + 0.5);
      const grain = 0.93 + 0.14 * lattice(seed + 11, x, y);
      const s = lattice(seed + 13, x, y);
      const speck = s < p.speckles ? dark : s > 1 - p.speckles / 3 ? light : null;
      const pix = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const lo = p.low[c] as number;
        const base = (lo + ((p.high[c] as number) - lo) * t) * grain;
        out[pix + c] = clamp01(speck ? 0.35 * base + 0.65 * (speck[c] as number) : base);
      }
    }
  }
  return out;
}

const GENERATORS: Record<TextureFamily, (size: number, rng: Rng, seed: number, featureSize: number) => Float32Array> = { fabric, tiles, stone };

/**
 * RGB pixels (size x size x 3) of one texture; the seed fixes every parameter and every noise
 * value. Thread periods, tile and stone scales are drawn for an image of `featureSize` px (default
 * size: the pattern spans the image alike at any size); a larger size then shows more of the same
 * pattern at the same pixel scale, as a high-resolution photo of a part does.
 */
export function textureRgb(family: TextureFamily, size: number, seed: number, featureSize = size): Float32Array {
  return GENERATORS[family](size, mulberry32(seed), seed, featureSize);
}
