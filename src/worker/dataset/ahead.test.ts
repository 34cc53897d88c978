import { describe, expect, it } from 'vitest';
import { AHEAD, InOrderAhead } from './ahead';

describe('InOrderAhead', () => {
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

  it('gives the items in order, started at most AHEAD beyond the one taken, whatever order they finish in', async () => {
    const c = controlled(6);
    const ahead = new InOrderAhead(c.files.length, (k) => c.decode(c.files[k]!.blob));
    const taken: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = ahead.take(i);
      expect([...c.pending.keys()]).toEqual(Array.from({ length: Math.min(6, i + 1 + AHEAD) }, (_, k) => k));
      // The later files finish first.
      for (const k of [...c.pending.keys()].reverse()) if (k >= i) c.pending.get(k)!.resolve(`image ${k}`);
      taken.push(await p);
    }
    expect(taken).toEqual(['image 0', 'image 1', 'image 2', 'image 3', 'image 4', 'image 5']);
    expect(c.most()).toBe(1 + AHEAD);
  });

  it('an item that fails fails its own take only, even when it failed before its turn', async () => {
    const c = controlled(3);
    const ahead = new InOrderAhead(c.files.length, (k) => c.decode(c.files[k]!.blob));
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

  it('refuses to give an item twice', async () => {
    const ahead = new InOrderAhead(2, (k) => Promise.resolve(k));
    await expect(ahead.take(0)).resolves.toBe(0);
    expect(() => ahead.take(0)).toThrow('taken already');
  });
