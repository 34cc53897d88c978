import { describe, expect, it } from 'vitest';
import { ImageStore } from './images';

describe('ImageStore (demo images; file decoding needs a browser and is covered end to end)', () => {
  it('the demo fills both sets; test images keep their masks and kinds', () => {
    const store = new ImageStore();
    const demo = store.loadDemo({ size: 16, normal: 5, test: 6, seed: 3 });
    expect(demo.normal).toHaveLength(5);
    expect(demo.test).toHaveLength(6);
    expect(store.list('normal')).toHaveLength(5);
    const defective = demo.test.find((t) => t.kind !== 'good');
    expect(defective?.hasMask).toBe(true);
    expect(store.get('test', defective?.id ?? '').mask?.data.some((v) => v > 0)).toBe(true);
    expect(demo.test.find((t) => t.kind === 'good')?.hasMask).toBe(false);
    expect(demo.normal[0]?.thumb.data.length).toBe(16 * 16 * 4);
  });

  it('gives working images at any size and channel count, as fresh copies', () => {
    const store = new ImageStore();
    store.loadDemo({ size: 16, normal: 2, test: 1, seed: 3 });
    const item = store.list('normal')[0];
    if (!item) throw new Error('no item');
    const a = store.working(item, 16, 3);
    const b = store.working(item, 16, 3);
    expect(a.data).not.toBe(b.data);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const gray = store.working(item, 8, 1);
    expect([gray.width, gray.height, gray.channels, gray.data.length]).toEqual([8, 8, 1, 64]);
    expect(store.datasetChannels('normal')).toBe(3);
  });

  it('removes one image or all', () => {
    const store = new ImageStore();
    const demo = store.loadDemo({ size: 16, normal: 3, test: 1, seed: 3 });
    expect(store.remove('normal', [demo.normal[0]?.id ?? ''])).toBe(2);
    expect(store.remove('normal', 'all')).toBe(0);
    expect(() => store.get('normal', demo.normal[1]?.id ?? '')).toThrow(/No normal image/);
  });
});
