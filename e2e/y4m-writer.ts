/**
 * A YUV4MPEG2 (.y4m) video for Chromium's fake camera (--use-file-for-fake-video-capture): RGB
 * frames converted to 4:2:0 YCbCr (full-range BT.601, as C420jpeg says). Chromium loops the file.
 */

export interface RgbFrame {
  width: number;
  height: number;
  /** RGB in [0, 255], row-major, 3 values per pixel. */
  rgb: Uint8Array;
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

function planes(f: RgbFrame): Buffer {
  const { width: w, height: h, rgb } = f;
  const y = Buffer.alloc(w * h);
  const u = Buffer.alloc((w / 2) * (h / 2));
  const v = Buffer.alloc((w / 2) * (h / 2));
  for (let p = 0; p < w * h; p++) {
    y[p] = clamp(0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!);
  }
  for (let cy = 0; cy < h / 2; cy++) {
    for (let cx = 0; cx < w / 2; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = (cy * 2 + dy) * w + cx * 2 + dx;
        r += rgb[p * 3]! / 4;
        g += rgb[p * 3 + 1]! / 4;
        b += rgb[p * 3 + 2]! / 4;
      }
      u[cy * (w / 2) + cx] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[cy * (w / 2) + cx] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return Buffer.concat([y, u, v]);
}

/** The whole file; width and height must be even, fps an integer. */
export function makeY4m(frames: RgbFrame[], fps: number): Buffer {
  const first = frames[0];
  if (!first || first.width % 2 || first.height % 2) throw new Error('y4m frames need an even width and height');
  const header = Buffer.from(`YUV4MPEG2 W${first.width} H${first.height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const parts: Buffer[] = [header];
  for (const f of frames) parts.push(Buffer.from('FRAME\n', 'ascii'), planes(f));
  return Buffer.concat(parts);
}
