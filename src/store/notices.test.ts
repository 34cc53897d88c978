import type { ModelDescription } from '../engine/types';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BackendChoice } from '../engine/backend';

import type { ImageInfo } from '../worker/protocol';
import { fileNotesText } from './dataset';
import { createAppStore, type AppStore } from './index';
import { FakeClient, flush } from './testing/fakeClient';

const choice = (name: BackendChoice['name'], reason: string): BackendChoice => ({ name, reason, software: false, adapterInfo: null, tried: [] });
const model = { config: { size: 16, latent: 8, width: 4, channels: 3 } } as ModelDescription;

let client: FakeClient;
let store: AppStore;

beforeEach(async () => {
  client = new FakeClient();
  store = createAppStore({ client, wasmPaths: null, wasmThreads: 1, testHooks: false });
  const init = store.getState().initBackend('webgpu');
  client.last('init').resolve(choice('webgpu', 'WebGPU'));
  await init;
  store.setState({ model });
});

describe('a lost backend', () => {
  it('is watched once a backend is ready, and its loss becomes a notice with the new backend; the model stays', async () => {
    const watch = client.last('watchBackend');
    watch.resolve({ how: 'lost', message: 'Device was destroyed', choice: choice('wasm', 'WASM'), modelKept: true });
    await flush();
    const s = store.getState();
    expect(s.notice?.text).toBe('The GPU stopped working (Device was destroyed). Switched to WASM. Your images and the trained model are kept. Anything that was running has to be started again.');
    expect(s.backend).toEqual({ kind: 'ready', choice: choice('wasm', 'WASM') });
    expect(s.model).toBe(model);
    expect(client.of('watchBackend')).toHaveLength(2);
    s.dismissNotice();
    expect(store.getState().notice).toBeNull();
  });

  it('drops a model that could not be moved, and says when no backend is left', async () => {
    client.last('watchBackend').resolve({ how: 'lost', message: 'lost', choice: null, modelKept: false });
    await flush();
    expect(store.getState().model).toBeNull();
    expect(store.getState().backend.kind).toBe('failed');
    expect(store.getState().notice?.text).toMatch(/no other backend could start. Reload the page/);
  });
});

describe('notes on how accepted files were read', () => {
  const info = (id: string, note?: string): ImageInfo => ({ id, name: `${id}.tif`, width: 4, height: 4, channels: 1, thumb: { width: 1, height: 1, data: new Uint8ClampedArray(4) }, hasMask: false, note });

  it('become a notice naming the files; files without notes add none', async () => {
    const adding = store.getState().addFiles('normal', [{ name: 'a.tif', blob: new Blob(['x']) }, { name: 'b.tif', blob: new Blob(['y']) }]);
    client.last('addImages').resolve({ accepted: [info('a', 'multi-page TIFF: the first of 3 pages was used'), info('b')], rejected: [] });
    await adding;
    expect(store.getState().notice).toEqual({ kind: 'file-notes', text: 'a.tif: multi-page TIFF: the first of 3 pages was used.' });
    store.getState().dismissNotice();
    const again = store.getState().addFiles('normal', [{ name: 'c.tif', blob: new Blob(['z']) }]);
    client.last('addImages').resolve({ accepted: [info('c')], rejected: [] });
    await again;
    expect(store.getState().notice).toBeNull();
  });

  it('name three files and count the rest', () => {
    const many = ['a', 'b', 'c', 'd', 'e'].map((id) => info(id, 'note'));
    expect(fileNotesText(many)).toBe('a.tif: note; b.tif: note; c.tif: note (and 2 more files like these).');
  });
});
