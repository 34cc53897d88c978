/**
 * Separable resampling with precomputed weight tables. Downscaling along an axis is an area
 * average (box filter: each destination pixel averages the source pixels it covers, weighted by
 * the fraction covered, so integer factors are exact block means); upscaling is bilinear with
 * half-pixel centres (edges clamped). Rows are pulled one at a time through `readRow`, so a large
 * 8-bit source never has to exist as a full float image.
 */

/** Sparse weights: destination i reads idx[k] * w[k] for k in [start[i], start[i + 1]). */
export interface AxisWeights {
  start: Int32Array;
  idx: Int32Array;
  w: Float64Array;
}

function areaWeights(src: number, dst: number): AxisWeights {
  const scale = src / dst;
  const idx: number[] = [];
  const w: number[] = [];
  const start = new Int32Array(dst + 1);
  for (let i = 0; i < dst; i++) {
    start[i] = idx.length;
    const lo = i * scale;
    const hi = (i + 1) * scale;
    for (let j = Math.floor(lo); j < Math.min(src, Math.ceil(hi)); j++) {
      const cover = Math.min(hi, j + 1) - Math.max(lo, j);
      if (cover > 1e-12) {
        idx.push(j);
        w.push(cover / scale);
      }
    }
  }
  start[dst] = idx.length;
  return { start, idx: Int32Array.from(idx), w: Float64Array.from(w) };
}

function bilinearWeights(src: number, dst: number): AxisWeights {
  const start = new Int32Array(dst + 1);
  const idx = new Int32Array(dst * 2);
  const w = new Float64Array(dst * 2);
  for (let i = 0; i < dst; i++) {
    const pos = Math.min(src - 1, Math.max(0, ((i + 0.5) * src) / dst - 0.5));
    const j0 = Math.floor(pos);
    const f = pos - j0;
    start[i] = 2 * i;
    idx[2 * i] = j0;
    idx[2 * i + 1] = Math.min(j0 + 1, src - 1);
    w[2 * i] = 1 - f;
    w[2 * i + 1] = f;
  }
  start[dst] = 2 * dst;
  return { start, idx, w };
}

/** Weights that map `src` samples to `dst` samples along one axis. */
export function axisWeights(src: number, dst: number): AxisWeights {
  return dst < src ? areaWeights(src, dst) : bilinearWeights(src, dst);
}

/**
 * Resample a (srcW x srcH x c) image given row by row into a dstW x dstH Float32Array, values
 * clamped to [0, 1]. `readRow(y, out)` must fill `out` (length srcW * c) with source row y.
 */
export function resampleRows(
  readRow: (y: number, out: Float32Array) => void,
  srcW: number,
  srcH: number,
  c: number,
  dstW: number,
  dstH: number,
): Float32Array {
  const wx = axisWeights(srcW, dstW);
  const wy = axisWeights(srcH, dstH);
  const row = new Float32Array(srcW * c);
  const tmp = new Float64Array(srcH * dstW * c);
  for (let y = 0; y < srcH; y++) {
    readRow(y, row);
    resampleLine(row, c, wx, tmp, y * dstW * c);
  }
  const out = new Float32Array(dstW * dstH * c);
  const stride = dstW * c;
  for (let dy = 0; dy < dstH; dy++) {
    const o = dy * stride;
    for (let k = wy.start[dy] as number; k < (wy.start[dy + 1] as number); k++) {
      const s = (wy.idx[k] as number) * stride;
      const wk = wy.w[k] as number;
      for (let i = 0; i < stride; i++) out[o + i] = (out[o + i] as number) + wk * (tmp[s + i] as number);
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i] as number));
  return out;
}

function resampleLine(row: Float32Array, c: number, wx: AxisWeights, out: Float64Array, offset: number): void {
  const dstW = wx.start.length - 1;
  for (let dx = 0; dx < dstW; dx++) {
    for (let ch = 0; ch < c; ch++) {
      let acc = 0;
      for (let k = wx.start[dx] as number; k < (wx.start[dx + 1] as number); k++) {
        acc += (wx.w[k] as number) * (row[(wx.idx[k] as number) * c + ch] as number);
      }
      out[offset + dx * c + ch] = acc;
    }
  }
}
