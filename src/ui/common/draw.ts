/** Putting pixels on 2D canvases: the only way this app draws images (no tf.browser.draw, no WebGPU canvas). */
import type { Rgba } from '../../render/types';

export function drawRgba(canvas: HTMLCanvasElement, img: Rgba): void {
  if (canvas.width !== img.width) canvas.width = img.width;
  if (canvas.height !== img.height) canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const data = new ImageData(img.data as Uint8ClampedArray<ArrayBuffer>, img.width, img.height);
  ctx.putImageData(data, 0, 0);
}

/** Leaves a canvas blank (nothing to show yet). */
export function clearCanvas(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}

/** Pixels a canvas needs to look sharp at a CSS size on this screen. */
export function devicePixels(cssPx: number): number {
  return Math.round(cssPx * (window.devicePixelRatio || 1));
}

const MAX_VIEW_SIDE = 2048;

/**
 * Decodes a dropped image on the main thread for display at its own resolution (capped at
 * MAX_VIEW_SIDE, the browser decodes off-thread). Returns null for anything undecodable: the
 * worker has either refused such a file with a reason or read it itself (TIFF).
 */
export async function decodeForView(blob: Blob): Promise<Rgba | null> {
  let bmp: ImageBitmap;
  try {
    bmp = await createImageBitmap(blob);
  } catch (e) {
    console.warn('Could not decode the image for display', e);
    return null;
  }
  try {
    const s = Math.min(1, MAX_VIEW_SIDE / Math.max(bmp.width, bmp.height));
    const width = Math.max(1, Math.round(bmp.width * s));
    const height = Math.max(1, Math.round(bmp.height * s));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bmp, 0, 0, width, height);
    const data = ctx.getImageData(0, 0, width, height);
    return { width, height, data: data.data };
  } finally {
    bmp.close();
  }
}
