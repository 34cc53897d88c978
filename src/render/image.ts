import { createRgba, type FloatPixels, type Rgba, type ScalarField } from './types';

/**
 * A float image in [0, 1] (1 or 3 channels) as opaque RGBA bytes, each rounded to the nearest
 * byte (Uint8ClampedArray's conversion rounds; adding 0.5 first would push odd halves up).
 */
export function floatToRgba(img: FloatPixels): Rgba {
  const out = createRgba(img.width, img.height);
  const n = img.width * img.height;
  const c = img.channels;
  const src = img.data;
  const dst = out.data;
  for (let p = 0; p < n; p++) {
    const s = p * c;
    const r = src[s]!;
    const o = p * 4;
    dst[o] = r * 255;
    dst[o + 1] = (c === 1 ? r : src[s + 1]!) * 255;
    dst[o + 2] = (c === 1 ? r : src[s + 2]!) * 255;
    dst[o + 3] = 255;
  }
  return out;
}

/** Per output index along one axis of `to` pixels: the two source indices (of `from`) and the second's weight. */
interface AxisTaps {
  lo: Int32Array;
  hi: Int32Array;
  weight: Float64Array;
}

/** Bilinear taps with pixel centres aligned, computed once per axis rather than once per pixel. */
function bilinearTaps(from: number, to: number): AxisTaps {
  const taps = { lo: new Int32Array(to), hi: new Int32Array(to), weight: new Float64Array(to) };
  const scale = from / to;
  for (let i = 0; i < to; i++) {
    const f = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), from - 1);
    const lo = Math.floor(f);
    taps.lo[i] = lo;
    taps.hi[i] = Math.min(lo + 1, from - 1);
    taps.weight[i] = f - lo;
  }
  return taps;
}

/** Bilinear resample of one value per pixel (pixel centres aligned), e.g. a 64 px map onto a photo. */
export function resampleField(src: ScalarField, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const xs = bilinearTaps(src.width, width);
  const ys = bilinearTaps(src.height, height);
  const d = src.data;
  for (let y = 0; y < height; y++) {
    const r0 = ys.lo[y]! * src.width;
    const r1 = ys.hi[y]! * src.width;
    const wy = ys.weight[y]!;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = xs.lo[x]!;
      const x1 = xs.hi[x]!;
      const wx = xs.weight[x]!;
      const a = d[r0 + x0]! * (1 - wx) + d[r0 + x1]! * wx;
      const b = d[r1 + x0]! * (1 - wx) + d[r1 + x1]! * wx;
      out[row + x] = a * (1 - wy) + b * wy;
    }
  }
  return out;
}

/**
 * Resample of RGBA: bilinear (`smooth`, used to show a large photo at the screen's size), or
 * nearest, which copies whole pixels (small working-size images enlarged, pixels kept honest).
 */
export function resampleRgba(src: Rgba, width: number, height: number, smooth = true): Rgba {
  if (src.width === width && src.height === height) return src;
  return smooth ? bilinearRgba(src, width, height) : nearestRgba(src, width, height);
}

function bilinearRgba(src: Rgba, width: number, height: number): Rgba {
  const out = createRgba(width, height);
  const xs = bilinearTaps(src.width, width);
  const ys = bilinearTaps(src.height, height);
  const d = src.data;
  const dst = out.data;
  for (let y = 0; y < height; y++) {
    const r0 = ys.lo[y]! * src.width;
    const r1 = ys.hi[y]! * src.width;
    const wy = ys.weight[y]!;
    for (let x = 0; x < width; x++) {
      const p00 = (r0 + xs.lo[x]!) * 4;
      const p01 = (r0 + xs.hi[x]!) * 4;
      const p10 = (r1 + xs.lo[x]!) * 4;
      const p11 = (r1 + xs.hi[x]!) * 4;
      const wx = xs.weight[x]!;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const a = d[p00 + ch]! * (1 - wx) + d[p01 + ch]! * wx;
        const b = d[p10 + ch]! * (1 - wx) + d[p11 + ch]! * wx;
        dst[o + ch] = a * (1 - wy) + b * wy;
      }
    }
  }
  return out;
}

/** Nearest resample: each output pixel a copy of one source pixel (four bytes moved as one). */
function nearestRgba(src: Rgba, width: number, height: number): Rgba {
  const out = createRgba(width, height);
  // A view of four bytes per pixel needs an aligned start; a copy has one.
  const bytes = src.data.byteOffset % 4 === 0 ? src.data : src.data.slice();
  const from = new Uint32Array(bytes.buffer, bytes.byteOffset, src.width * src.height);
  const to = new Uint32Array(out.data.buffer);
  const cols = new Int32Array(width);
  for (let x = 0; x < width; x++) cols[x] = Math.min(src.width - 1, Math.floor((x * src.width) / width));
  for (let y = 0; y < height; y++) {
    const row = Math.min(src.height - 1, Math.floor((y * src.height) / height)) * src.width;
    const o = y * width;
    for (let x = 0; x < width; x++) to[o + x] = from[row + cols[x]!]!;
  }
  return out;
}

/** Size that fits (w, h) inside a box of `max` pixels on its longer side, keeping the aspect ratio. */
export function fitSize(width: number, height: number, max: number): { width: number; height: number } {
  const s = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** True when every pixel has the same colour (a blank canvas check for tests and guards). */
export function isUniform(img: Rgba): boolean {
  const d = img.data;
  for (let i = 4; i < d.length; i += 4) {
    if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) return false;
  }
  return true;
}
