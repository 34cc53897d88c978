/**
 * Defect painters for the real-texture benchmark. Scratch, stain and hole are the procedural
 * benchmark's painters (engine/data/procedural/defects.ts); crack (a branching thin dark line),
 * blur (a local Gaussian blur inside a soft blob) and foreign (a square of another category's
 * crop pasted in) are added here. Each alters a copy of a crop in place; masks.ts derives the mask.
 */
import { randRange } from '../../engine/data/random';
import { PAINTERS } from '../../engine/data/procedural/defects';
import type { PaintContext } from '../../engine/data/procedural/defects';
import type { FloatImage } from '../../engine/types';

export const REAL_DEFECTS = ['scratch', 'crack', 'stain', 'hole', 'foreign', 'blur'] as const;
export type RealDefect = (typeof REAL_DEFECTS)[number];
export type DefectScale = 'small' | 'large';

/** Defect size s as a fraction of the crop side: small 3-6 %, large 10-20 %. */
export const SCALE_RANGE: Record<DefectScale, [number, number]> = { small: [0.03, 0.06], large: [0.1, 0.2] };

export function drawDefectSize(size: number, scale: DefectScale, rng: () => number): number {
  const [lo, hi] = SCALE_RANGE[scale];
  return Math.max(3, randRange(rng, lo, hi) * size);
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** A centre keeping a defect of radius r inside the image (the image centre when it cannot). */
function centre(img: FloatImage, r: number, rng: () => number): [number, number] {
  const at = (n: number): number => (r * 2 < n ? randRange(rng, r, n - r) : n / 2);
  return [at(img.width), at(img.height)];
}

function distToSegment(px: number, py: number, s: number[]): number {
  const [ax, ay, bx, by] = s as [number, number, number, number];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? clamp01(((px - ax) * dx + (py - ay) * dy) / len2) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Segments [ax, ay, bx, by] of a jittered walk of length len, with side branches up to depth 2. */
function crackWalk(rng: () => number, x: number, y: number, phi: number, len: number, depth: number, segs: number[][]): void {
  const step = Math.max(0.8, len / 14);
  const steps = Math.max(1, Math.round(len / step));
  for (let i = 0; i < steps; i++) {
    phi += randRange(rng, -0.45, 0.45);
    const nx = x + Math.cos(phi) * step;
    const ny = y + Math.sin(phi) * step;
    segs.push([x, y, nx, ny]);
    [x, y] = [nx, ny];
    const left = len - (i + 1) * step;
    if (depth < 2 && left > 2 && rng() < 0.14) {
      const side = rng() < 0.5 ? -1 : 1;
      crackWalk(rng, x, y, phi + side * randRange(rng, 0.5, 1.1), left * randRange(rng, 0.3, 0.6), depth + 1, segs);
    }
  }
}

/** A thin, dark, branching crack whose trunk is s long, darkening the texture multiplicatively. */
function crack(img: FloatImage, ctx: PaintContext): void {
  const { rng, s } = ctx;
  const [cx, cy] = centre(img, s / 2, rng);
  const phi = randRange(rng, 0, 2 * Math.PI);
  const segs: number[][] = [];
  crackWalk(rng, cx - (Math.cos(phi) * s) / 2, cy - (Math.sin(phi) * s) / 2, phi, s, 0, segs);
  const width = randRange(rng, 0.6, 1.3);
  const darkness = randRange(rng, 0.55, 0.8);
  const { width: w, height: h } = img;
  const alpha = new Float32Array(w * h);
  for (const seg of segs) {
    const [ax, ay, bx, by] = seg as [number, number, number, number];
    const pad = width / 2 + 1;
    for (let y = Math.max(0, Math.floor(Math.min(ay, by) - pad)); y <= Math.min(h - 1, Math.ceil(Math.max(ay, by) + pad)); y++) {
      for (let x = Math.max(0, Math.floor(Math.min(ax, bx) - pad)); x <= Math.min(w - 1, Math.ceil(Math.max(ax, bx) + pad)); x++) {
        const a = clamp01(width / 2 + 0.5 - distToSegment(x + 0.5, y + 0.5, seg));
        if (a > (alpha[y * w + x] as number)) alpha[y * w + x] = a;
      }
    }
  }
  for (let i = 0; i < w * h; i++) {
    const f = 1 - darkness * (alpha[i] as number);
    for (let ch = 0; ch < img.channels; ch++) img.data[i * img.channels + ch] = (img.data[i * img.channels + ch] as number) * f;
  }
}

/** Separable Gaussian blur with clamped borders. */
export function gaussianBlur(img: FloatImage, sigma: number): FloatImage {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const { width: w, height: h, channels: c } = img;
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let i = -r; i <= r; i++) {
            const xx = horizontal ? Math.min(w - 1, Math.max(0, x + i)) : x;
            const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + i));
            acc += (k[i + r] as number) * (src[(yy * w + xx) * c + ch] as number);
          }
          dst[(y * w + x) * c + ch] = acc / sum;
        }
      }
    }
    return dst;
  };
  return { ...img, data: pass(pass(img.data, true), false) };
}

/** A smudge: the image blended towards its Gaussian blur inside a soft elliptical blob of diameter s. */
function blur(img: FloatImage, ctx: PaintContext): void {
  const { rng, s } = ctx;
  const r = s / 2;
  const [cx, cy] = centre(img, r, rng);
  const aspect = randRange(rng, 0.6, 1);
  const psi = randRange(rng, 0, Math.PI);
  const blurred = gaussianBlur(img, Math.max(1.2, s / 6)).data;
  const c = img.channels;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(img.height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(img.width - 1, Math.ceil(cx + r)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = dx * Math.cos(psi) + dy * Math.sin(psi);
      const v = (-dx * Math.sin(psi) + dy * Math.cos(psi)) / aspect;
      const t = clamp01((1 - Math.hypot(u, v) / r) / 0.3);
      for (let ch = 0; ch < c; ch++) {
        const p = (y * img.width + x) * c + ch;
        img.data[p] = (img.data[p] as number) + t * ((blurred[p] as number) - (img.data[p] as number));
      }
    }
  }
}

/** A square of side s copied from the same place of a crop of another category. */
function foreign(img: FloatImage, ctx: PaintContext): void {
  const { rng } = ctx;
  const side = Math.max(1, Math.min(Math.round(ctx.s), img.width, img.height));
  const x0 = Math.floor(rng() * (img.width - side + 1));
  const y0 = Math.floor(rng() * (img.height - side + 1));
  const src = ctx.foreign();
  const c = img.channels;
  for (let y = y0; y < y0 + side; y++) {
    const p = (y * img.width + x0) * c;
    img.data.set(src.data.subarray(p, p + side * c), p);
  }
}

export const REAL_PAINTERS: Record<RealDefect, (img: FloatImage, ctx: PaintContext) => void> = {
  scratch: PAINTERS.scratch,
  crack,
  stain: PAINTERS.stain,
  hole: PAINTERS.hole,
  foreign,
  blur,
};
