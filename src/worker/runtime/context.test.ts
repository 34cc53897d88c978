import { describe, expect, it } from 'vitest';
import { SerialQueue, copyImage, transferables } from './context';
import { fitInside, pixelHash } from '../dataset/decode';

describe('SerialQueue', () => {
  it('runs jobs one at a time in call order, even when one fails', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const job = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${name}`);
        setTimeout(() => {
          log.push(`end ${name}`);
          if (fail) reject(new Error(name));
          else resolve(name);
        }, ms);
      });
    const a = q.run(job('a', 20));
    const b = q.run(job('b', 1, true));
    const c = q.run(job('c', 1));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('transferables', () => {
  it('finds every typed array buffer once, in nested objects and arrays', () => {
    const a = new Float32Array(4);
    const b = new Uint8ClampedArray(4);
    const found = transferables({ x: a, list: [{ y: b }, { z: a.subarray(1) }], n: 3, s: 'text' });
    expect(found).toHaveLength(2);
    expect(found).toContain(a.buffer);
    expect(found).toContain(b.buffer);
    expect(transferables(null)).toEqual([]);
  });

  it('copyImage gives a buffer of its own, so transferring it leaves the original intact', () => {
    const img = { width: 1, height: 1, channels: 1 as const, data: Float32Array.from([0.5]) };
    const copy = copyImage(img);
    expect(copy.data.buffer).not.toBe(img.data.buffer);
    expect(Array.from(copy.data)).toEqual([0.5]);
  });
});

describe('decode helpers', () => {
  it('fitInside caps the longer side and keeps the aspect ratio', () => {
    expect(fitInside(10_000, 5_000, 256)).toEqual({ width: 256, height: 128 });
    expect(fitInside(100, 40, 256)).toEqual({ width: 100, height: 40 });
  });

  it('pixelHash tells equal pictures from different ones', () => {
    const a = { width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    expect(pixelHash(a)).toBe(pixelHash({ ...a, data: a.data.slice() }));
    expect(pixelHash(a)).not.toBe(pixelHash({ ...a, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 9]) }));
    expect(pixelHash(a)).not.toBe(pixelHash({ width: 1, height: 2, data: a.data }));
  });
});
