/**
 * Plain pixel containers used by the drawing helpers. They are structural on purpose:
 * the engine's FloatImage / AnomalyResult fit them without render/ importing engine/,
 * and the browser's ImageData fits Rgba, so the helpers run in Node tests too.
 */

/** 8-bit RGBA, row-major, length width * height * 4 (same layout as ImageData). */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A float image in [0, 1], HWC interleaved with 1 or 3 channels (the engine's FloatImage). */
export interface FloatPixels {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/** One value per pixel (an anomaly map, a mask), length width * height. */
export interface ScalarField {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export function createRgba(width: number, height: number): Rgba {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}
