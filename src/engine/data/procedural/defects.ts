/**
 * Defect painters. Each one alters a copy of a normal texture in place inside a region whose
 * characteristic size s (curve chord, blob or disc diameter, square side) is given; generate.ts
 * then derives the exact mask by comparing with the untouched normal image.
 */
import type { FloatImage } from '../../types';
import { randInt, randRange } from '../random';
import { clamp01 } from './noise';
import type { DefectKind, Rgb } from './types';

type Rng = () => number;

/** What a painter needs besides the image: a foreign texture for patches (same size and channels). */
export interface PaintContext {
  rng: Rng;
  /** Defect size in pixels (see module doc). */
  s: number;
  foreign: () => FloatImage;
}

/** Blends pixel (x, y) towards colour `col` (RGB, converted to luma on gray images) by weight t. */
function blend(img: FloatImage, x: number, y: number, col: Rgb, t: number): void {
  if (t <= 0 || x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const c = img.channels;
  const p = (y * img.width + x) * c;
  const target = c === 1 ? [0.299 * col[0] + 0.587 * col[1] + 0.114 * col[2]] : col;
  for (let ch = 0; ch < c; ch++) {
    const v = img.data[p + ch] as number;
    img.data[p + ch] = clamp01(v + ((target[ch] as number) - v) * Math.min(1, t));
  }
}

/** Mean luma (or gray value) of the image, to pick a defect colour that contrasts with it. */
function meanValue(img: FloatImage): number {
  let sum = 0;
  for (let i = 0; i < img.data.length; i++) sum += img.data[i] as number;
  return sum / img.data.length;
}

/** A centre that keeps a defect of radius r inside the image. */
function centre(img: FloatImage, r: number, rng: Rng): [number, number] {
  const lo = Math.min(r, img.width / 2);
  return [randRange(rng, lo, img.width - lo), randRange(rng, lo, img.height - lo)];
}

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? clamp01(((px - ax) * dx + (py - ay) * dy) / len2) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Points of a quadratic Bezier curve with chord length s, bent sideways by up to half its length. */
function bezierPoints(img: FloatImage, ctx: PaintContext): number[][] {
  const { rng, s } = ctx;
  const [cx, cy] = centre(img, s / 2, rng);
  const phi = randRange(rng, 0, Math.PI);
  const bend = randRange(rng, -0.5, 0.5) * s;
  const [ux, uy] = [Math.cos(phi), Math.sin(phi)];
  const p0 = [cx - (ux * s) / 2, cy - (uy * s) / 2];
  const p1 = [cx - uy * bend, cy + ux * bend];
  const p2 = [cx + (ux * s) / 2, cy + (uy * s) / 2];
  const n = Math.max(4, Math.ceil(s));
  const pts: number[][] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const a = (1 - t) * (1 - t);
    const b = 2 * t * (1 - t);
    const c = t * t;
    pts.push([a * (p0[0] as number) + b * (p1[0] as number) + c * (p2[0] as number), a * (p0[1] as number) + b * (p1[1] as number) + c * (p2[1] as number)]);
  }
  return pts;
}

/** A thin curved line, bright or dark, antialiased, of width 0.7 to 1.6 pixels. */
function scratch(img: FloatImage, ctx: PaintContext): void {
  const pts = bezierPoints(img, ctx);
  const width = randRange(ctx.rng, 0.7, 1.6);
  const col: Rgb = ctx.rng() < 0.5 ? [0.96, 0.96, 0.94] : [0.05, 0.05, 0.06];
  const strength = randRange(ctx.rng, 0.75, 1);
  const xs = pts.map((q) => q[0] as number);
  const ys = pts.map((q) => q[1] as number);
  // Only pixels within reach of the curve can change.
  for (let y = Math.floor(Math.min(...ys) - width); y <= Math.ceil(Math.max(...ys) + width); y++) {
    for (let x = Math.floor(Math.min(...xs) - width); x <= Math.ceil(Math.max(...xs) + width); x++) {
      let d = Infinity;
      for (let k = 1; k < pts.length; k++) {
        const a = pts[k - 1] as number[];
        const b = pts[k] as number[];
        d = Math.min(d, distToSegment(x + 0.5, y + 0.5, a[0] as number, a[1] as number, b[0] as number, b[1] as number));
      }
      blend(img, x, y, col, strength * clamp01(width / 2 + 0.5 - d));
    }
  }
}

/** Radius factor in [0.8, 1] of an irregular blob outline at angle theta (three random harmonics). */
function outline(rng: Rng): (theta: number) => number {
  const amps = [rng(), rng(), rng()];
  const total = amps.reduce((a, b) => a + b, 0) || 1;
  const phases = amps.map(() => randRange(rng, 0, 2 * Math.PI));
  return (theta) => {
    let m = 0;
    amps.forEach((a, k) => (m += (a / total) * Math.sin((k + 2) * theta + (phases[k] as number))));
    return 0.9 + 0.1 * m;
  };
}

/** A soft, irregular blob of altered colour (darker on light textures, lighter on dark ones). */
function stain(img: FloatImage, ctx: PaintContext): void {
  const { rng, s } = ctx;
  const r = s / 2;
  const [cx, cy] = centre(img, r, rng);
  const aspect = randRange(rng, 0.6, 1);
  const psi = randRange(rng, 0, Math.PI);
  const shape = outline(rng);
  const col: Rgb = meanValue(img) > 0.45 ? [0.3, 0.2, 0.1] : [0.88, 0.82, 0.6];
  const alpha = randRange(rng, 0.5, 0.8);
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = dx * Math.cos(psi) + dy * Math.sin(psi);
      const v = (-dx * Math.sin(psi) + dy * Math.cos(psi)) / aspect;
      const rho = Math.hypot(u, v) / (r * shape(Math.atan2(v, u)));
      // Full strength in the core, fading to nothing at the outline.
      blend(img, x, y, col, alpha * clamp01((1 - rho) / 0.4));
    }
  }
}

/** A dark disc (the hole) inside a lighter rim, antialiased. */
function hole(img: FloatImage, ctx: PaintContext): void {
  const { rng, s } = ctx;
  const r = s / 2;
  const [cx, cy] = centre(img, r, rng);
  const rim = Math.max(0.8, r * randRange(rng, 0.2, 0.3));
  const inner = Math.max(0.5, r - rim);
  const rimCol: Rgb = [0.9, 0.88, 0.84];
  for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
    for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const inside = clamp01(inner + 0.5 - d);
      const ring = clamp01(r + 0.5 - d) * (1 - inside);
      blend(img, x, y, rimCol, 0.7 * ring);
      const depth = 0.03 + 0.07 * (d / inner);
      blend(img, x, y, [depth, depth, depth], inside);
    }
  }
}

/** Smallest change a patch makes to any pixel, so the whole square is in the mask. */
const PATCH_MIN_CHANGE = 0.08;

/** Moves `value` at least PATCH_MIN_CHANGE away from `old`, in `dir` (+1 / -1) unless that leaves [0, 1]. */
function awayFrom(value: number, old: number, dir: number): number {
  if (Math.abs(value - old) >= PATCH_MIN_CHANGE) return value;
  const pushed = old + dir * PATCH_MIN_CHANGE;
  return pushed >= 0 && pushed <= 1 ? pushed : old - dir * PATCH_MIN_CHANGE;
}

/**
 * A square of foreign material: half the time another family's texture, otherwise a flat
 * plastic-like colour with faint noise. Its tone is shifted away from the image's mean, and every
 * pixel is changed by at least PATCH_MIN_CHANGE in some channel, so the mask is the full square.
 */
function patch(img: FloatImage, ctx: PaintContext): void {
  const { rng } = ctx;
  const side = Math.max(1, Math.min(Math.round(ctx.s), img.width, img.height));
  const x0 = randInt(rng, 0, img.width - side + 1);
  const y0 = randInt(rng, 0, img.height - side + 1);
  const src = rng() < 0.5 ? ctx.foreign() : null;
  const flat: Rgb = [rng(), rng(), rng()];
  const dir = meanValue(img) > 0.5 ? -1 : 1;
  const c = img.channels;
  for (let y = y0; y < y0 + side; y++) {
    for (let x = x0; x < x0 + side; x++) {
      const p = (y * img.width + x) * c;
      for (let ch = 0; ch < c; ch++) {
        const base = src ? (src.data[p + ch] as number) : c === 1 ? 0.299 * flat[0] + 0.587 * flat[1] + 0.114 * flat[2] : (flat[ch] as number);
        const old = img.data[p + ch] as number;
        img.data[p + ch] = awayFrom(clamp01(base + 0.2 * dir + (rng() - 0.5) * 0.04), old, dir);
      }
    }
  }
}

export const PAINTERS: Record<DefectKind, (img: FloatImage, ctx: PaintContext) => void> = { scratch, stain, hole, patch };
