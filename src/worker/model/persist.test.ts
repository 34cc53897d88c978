import { describe, expect, it } from 'vitest';
import { forgetStored, loadStored, saveFailure, saveModelParts, type KeyValue } from './persist';
import type { ModelParts } from './files';

class MemoryKv implements KeyValue {
  readonly map = new Map<string, unknown>();
  failWith: unknown = null;
  async get(k: string) {
    return this.map.get(k);
  }
  async set(k: string, v: unknown) {
    if (this.failWith) throw this.failWith;
    this.map.set(k, v);
  }
  async del(k: string) {
    this.map.delete(k);
  }
}

const parts = {
  modelJson: '{"meta":{}}',
  weights: new Uint8Array(8),
  metadata: { settings: { projection: { alpha: 1, lambda: 0.1, iterations: 5 }, thresholds: {} } },
} as unknown as ModelParts;

describe('persist', () => {
  it('saves, loads and forgets the model parts and settings', async () => {
    const kv = new MemoryKv();
    expect(await loadStored(kv)).toBeNull();
    expect(await saveModelParts(parts, kv)).toEqual({ kind: 'saved', bytes: 8 + parts.modelJson.length });
    const back = await loadStored(kv);
    expect(back?.parts.modelJson).toBe(parts.modelJson);
    expect(back?.settings).toEqual(parts.metadata.settings);
    await forgetStored(kv);
    expect(await loadStored(kv)).toBeNull();
  });

  it('reports a full quota as such, not as a silent success', async () => {
    const kv = new MemoryKv();
    kv.failWith = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const out = await saveModelParts(parts, kv);
    expect(out).toMatchObject({ kind: 'failed', quota: true });
    expect(out.kind === 'failed' && out.message).toMatch(/storage quota exceeded/);
    expect(await loadStored(kv)).toBeNull();
  });

  it('reports other storage failures with their reason', () => {
    expect(saveFailure(new Error('disk on fire'))).toEqual({ kind: 'failed', quota: false, message: 'The model could not be kept in this browser: disk on fire' });
  });

  it('refuses a stored record of an unknown shape (the caller drops it)', async () => {
    const kv = new MemoryKv();
    kv.map.set('manifold-lens/model', { version: 7 });
    await expect(loadStored(kv)).rejects.toThrow(/unknown shape/);
  });
});
