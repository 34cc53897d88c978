import { describe, expect, it } from 'vitest';
import { ByteCache } from './cache';

const bytes = (a: Uint8Array) => a.byteLength;

describe('ByteCache', () => {
  it('evicts the least recently used entries to stay within its bytes', () => {
    const c = new ByteCache<Uint8Array>(10, bytes);
    c.set('a', new Uint8Array(4));
    c.set('b', new Uint8Array(4));
    expect(c.get('a')).toBeDefined(); // a is now the most recent
    c.set('c', new Uint8Array(4));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.get('c')).toBeDefined();
    expect(c.bytes).toBe(8);
  });

  it('refuses a value larger than the bound, replaces a key, and drops by key', () => {
    const c = new ByteCache<Uint8Array>(10, bytes);
    c.set('big', new Uint8Array(11));
    expect(c.get('big')).toBeUndefined();
    expect(c.bytes).toBe(0);
    c.set('x@1', new Uint8Array(3));
    c.set('x@1', new Uint8Array(5));
    expect(c.bytes).toBe(5);
    c.set('y@1', new Uint8Array(2));
    c.dropWhere((k) => k.startsWith('x@'));
    expect(c.get('x@1')).toBeUndefined();
    expect(c.bytes).toBe(2);
  });
});
