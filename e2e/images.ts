/** PNG files made in the test: a striped texture (normal), the same with a dark blob (defective). */
import { PNG } from 'pngjs';
import { mulberry32 } from '../src/engine/data/random';

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}


export function texturePng(seed: number, size = 32, defect = false): Buffer {
  const png = new PNG({ width: size, height: size });
  const r = mulberry32(seed);
  const phase = r() * 8;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const stripe = Math.sin(((x + y + phase) / 8) * Math.PI * 2) * 0.5 + 0.5;
      let v = 60 + stripe * 140 + (r() - 0.5) * 20;
      const dx = x - size * 0.6;
      const dy = y - size * 0.4;
      if (defect && dx * dx + dy * dy < (size * 0.15) ** 2) v = 10;
      const o = (y * size + x) * 4;
      png.data[o] = v;
      png.data[o + 1] = v * 0.8;
      png.data[o + 2] = v * 0.6;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export function normalFiles(count: number, from = 0): FilePayload[] {
  return Array.from({ length: count }, (_, i) => ({ name: `part_${String(from + i).padStart(2, '0')}.png`, mimeType: 'image/png', buffer: texturePng(100 + from + i) }));
}
