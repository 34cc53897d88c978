/**
 * The anomaly overlay drawn by the canvas in layers: the image (enlarged by whole pixels or
 * scaled smoothly), the heat at the map's own resolution scaled bilinearly over it, and the
 * threshold's contour stroked as lines. A frame's JavaScript touches only the map's pixels (a
 * 64 px map: 4,096) whatever the size of the picture; the scaling and blending are the
 * browser's. render/overlay.ts's composeOverlay blends the same layers in JavaScript for the
 * command line, which has no canvas.
 */
import { contourSegments } from '../../render/contour';
import { fitSize } from '../../render/image';
import { heatLayer, type OverlayOptions } from '../../render/overlay';
import type { Rgba, ScalarField } from '../../render/types';
import { devicePixels, drawRgba } from './draw';

/** The canvas's size in pixels and how the image fills it. */
export interface OverlayFrame {
  width: number;
  height: number;
  /** Enlarge the image by whole pixels (a small working-size image), not smoothly. */
  pixelated: boolean;
  /** The contour's width in canvas pixels. */
  lineWidth: number;
}

/** The contour's width on screen, in CSS pixels. */
const CONTOUR_CSS_PX = 1.5;

/**
 * The canvas for `base` in a box of `box` CSS pixels: a small image enlarged by whole pixels to
 * fill the box on this screen; a larger one at its own pixels, or while `live` at the box's
 * (fewer pixels a frame).
 */
export function overlayFrame(base: { width: number; height: number }, box: number, live: boolean): OverlayFrame {
  const target = devicePixels(box);
  const longer = Math.max(base.width, base.height);
  const k = longer < target ? Math.max(1, Math.floor(target / longer)) : 1;
  const { width, height } = k > 1 ? { width: base.width * k, height: base.height * k } : live ? fitSize(base.width, base.height, target) : base;
  // Canvas pixels per CSS pixel: the canvas's longer side is shown at the box's size.
  const perCssPx = Math.max(width, height) / box;
  return { width, height, pixelated: k > 1, lineWidth: CONTOUR_CSS_PX * perCssPx };
}

const DEFAULT_CONTOUR: readonly [number, number, number] = [0, 229, 255];

/** Each image's pixels on a canvas of their own, made once, for drawImage to scale. */
const sources = new WeakMap<Rgba, HTMLCanvasElement>();
/** For images that change every frame (a camera's): one canvas per overlay, drawn again each time. */
const liveSources = new WeakMap<HTMLCanvasElement, HTMLCanvasElement>();

function sourceOf(img: Rgba): HTMLCanvasElement {
  let canvas = sources.get(img);
  if (!canvas) {
    canvas = document.createElement('canvas');
    drawRgba(canvas, img);
    sources.set(img, canvas);
  }
  return canvas;
}

function liveSourceFor(overlay: HTMLCanvasElement, img: Rgba): HTMLCanvasElement {
  let canvas = liveSources.get(overlay);
  if (!canvas) {
    canvas = document.createElement('canvas');
    liveSources.set(overlay, canvas);
  }
  drawRgba(canvas, img);
  return canvas;
}

/** The heat layer's canvas, one for all overlays (drawing is synchronous). */
let heatCanvas: HTMLCanvasElement | null = null;

function heatSource(heat: Rgba): HTMLCanvasElement {
  heatCanvas ??= document.createElement('canvas');
  drawRgba(heatCanvas, heat);
  return heatCanvas;
}

/**
 * Draws `base` with the heat of `map` and its threshold contour (opts) over it, `frame` sized.
 * `baseChanges`: a new image every frame (a camera's), drawn through one canvas kept for this
 * overlay rather than one made and kept per image.
 */
export function drawOverlay(canvas: HTMLCanvasElement, base: Rgba, frame: OverlayFrame, map: ScalarField | null, opts: OverlayOptions, baseChanges = false): void {
  const { width, height } = frame;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.imageSmoothingEnabled = !frame.pixelated;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(baseChanges ? liveSourceFor(canvas, base) : sourceOf(base), 0, 0, width, height);
  if (!map) return;
  // Bilinear, as composeOverlay upsamples the map: 'low' is the plain linear filter.
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'low';
  ctx.drawImage(heatSource(heatLayer(map, opts)), 0, 0, width, height);
  if (opts.threshold == null) return;
  const field = opts.contour ?? map;
  const segments = contourSegments(field, opts.threshold);
  if (segments.length === 0) return;
  const [sx, sy] = [width / field.width, height / field.height];
  ctx.beginPath();
  for (let k = 0; k < segments.length; k += 4) {
    ctx.moveTo(segments[k]! * sx, segments[k + 1]! * sy);
    ctx.lineTo(segments[k + 2]! * sx, segments[k + 3]! * sy);
  }
  const [r, g, b] = opts.contourColor ?? DEFAULT_CONTOUR;
  ctx.strokeStyle = `rgb(${r}, ${g}, ${b})`;
  ctx.lineWidth = frame.lineWidth;
  ctx.lineCap = 'round';
  ctx.stroke();
}
