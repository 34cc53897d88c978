import { createRgba, type FloatPixels, type Rgba, type ScalarField } from './types';

/** A float image in [0, 1] (1 or 3 channels) as opaque RGBA bytes. */
export function floatToRgba(img: FloatPixels): Rgba {
  const out = createRgba(img.width, img.height);
  const n = img.width * img.height;
  const c = img.channels;
  for (let p = 0; p < n; p++) {
    const s = p * c;
    const r = img.data[s] ?? 0;
    const g = c === 1 ? r : (img.data[s + 1] ?? 0);
    const b = c === 1 ? r : (img.data[s + 2] ?? 0);
    out.data[p * 4] = r * 255 + 0.5;
    out.data[p * 4 + 1] = g * 255 + 0.5;
    out.data[p * 4 + 2] = b * 255 + 0.5;
    out.data[p * 4 + 3] = 255;
  }
  return out;
}

/** Bilinear resample of one value per pixel (pixel centres aligned), e.g. a 64 px map onto a photo. */
export function resampleField(src: ScalarField, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), src.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, src.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), src.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, src.width - 1);
      const wx = fx - x0;
      const a = (src.data[y0 * src.width + x0] ?? 0) * (1 - wx) + (src.data[y0 * src.width + x1] ?? 0) * wx;
      const b = (src.data[y1 * src.width + x0] ?? 0) * (1 - wx) + (src.data[y1 * src.width + x1] ?? 0) * wx;
      out[y * width + x] = a * (1 - wy) + b * wy;
    }
  }
  return out;
}

/** Bilinear resample of RGBA, used to show a small working-size image crisp enough on a HiDPI canvas. */
export function resampleRgba(src: Rgba, width: number, height: number, smooth = true): Rgba {
  if (src.width === width && src.height === height) return src;
  const out = createRgba(width, height);
  const plane = new Float32Array(src.width * src.height);
  for (let ch = 0; ch < 4; ch++) {
    for (let p = 0; p < plane.length; p++) plane[p] = src.data[p * 4 + ch] ?? 0;
    const res = smooth ? resampleField({ width: src.width, height: src.height, data: plane }, width, height) : nearest(plane, src, width, height);
    for (let p = 0; p < res.length; p++) out.data[p * 4 + ch] = (res[p] ?? 0) + 0.5;
  }
  return out;
}

function nearest(plane: Float32Array, src: { width: number; height: number }, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1, Math.floor((y * src.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(src.width - 1, Math.floor((x * src.width) / width));
      out[y * width + x] = plane[sy * src.width + sx] ?? 0;
    }
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
