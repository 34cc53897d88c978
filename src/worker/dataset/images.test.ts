import { describe, expect, it } from 'vitest';
import { DECODE_AHEAD, DecodeAhead, ImageStore } from './images';

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

describe('DecodeAhead', () => {
  /** A decode per file that resolves (or fails) when the test says, counting those in flight. */
  function controlled(n: number) {
    const pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
    const files = Array.from({ length: n }, (_, i) => ({ blob: new Blob([String(i)]) }));
    let inFlight = 0;
    let most = 0;
    const decode = (blob: Blob) => {
      const i = files.findIndex((f) => f.blob === blob);
      inFlight++;
      most = Math.max(most, inFlight);
      return new Promise<string>((resolve, reject) => pending.set(i, { resolve, reject })).finally(() => inFlight--);
    };
    return { files, decode, pending, most: () => most };
  }

  it('gives the files in order, decoding at most DECODE_AHEAD beyond the one taken, whatever order they finish in', async () => {
    const c = controlled(6);
    const ahead = new DecodeAhead(c.files, c.decode);
    const taken: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = ahead.take(i);
      expect([...c.pending.keys()]).toEqual(Array.from({ length: Math.min(6, i + 1 + DECODE_AHEAD) }, (_, k) => k));
      // The later files finish first.
      for (const k of [...c.pending.keys()].reverse()) if (k >= i) c.pending.get(k)!.resolve(`image ${k}`);
      taken.push(await p);
    }
    expect(taken).toEqual(['image 0', 'image 1', 'image 2', 'image 3', 'image 4', 'image 5']);
    expect(c.most()).toBe(1 + DECODE_AHEAD);
  });

  it("a file that fails fails its own take only, even when it failed before it was taken", async () => {
    const c = controlled(3);
    const ahead = new DecodeAhead(c.files, c.decode);
    const first = ahead.take(0);
    c.pending.get(1)!.reject(new Error('damaged'));
    // A task boundary: an unhandled rejection would be reported here.
    await new Promise((resolve) => setTimeout(resolve, 0));
    c.pending.get(0)!.resolve('image 0');
    await expect(first).resolves.toBe('image 0');
    await expect(ahead.take(1)).rejects.toThrow('damaged');
    c.pending.get(2)!.resolve('image 2');
    await expect(ahead.take(2)).resolves.toBe('image 2');
  });
});
