import type { ModelDescription } from '../engine/types';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ImageInfo, } from '../worker/protocol';
import { createAppStore, type AppState, type AppStore } from './index';
import { modelInfo } from '../engine/testing/fixtures';
import { FakeClient, flush } from './testing/fakeClient';

const model: ModelDescription = modelInfo();
const ready: AppState['backend'] = { kind: 'ready', choice: { name: 'cpu', reason: 'CPU', software: false, adapterInfo: null, tried: [] } };
const info = (id: string, name: string): ImageInfo => ({ id, name, width: 16, height: 16, channels: 3, thumb: { width: 1, height: 1, data: new Uint8ClampedArray(4) }, hasMask: false });

let client: FakeClient;
let store: AppStore;

beforeEach(() => {
  client = new FakeClient();
  store = createAppStore({ client, wasmPaths: null, wasmThreads: 1, testHooks: false });
});

describe('model slice', () => {
  it('restores the kept model and its inspection settings once the backend is ready', async () => {
    store.setState({ backend: ready });
    client.last('restoreModel').resolve({ kind: 'restored', restored: { model, settings: { projection: { alpha: 3, lambda: 0.3, iterations: 11, variant: 'weighted' }, thresholds: { projection: 0.4 } } } });
    await flush();
    const s = store.getState();
    expect(s.model).toBe(model);
    expect(s.stored).toEqual({ kind: 'saved' });
    expect(s.settings.projection).toEqual({ alpha: 3, lambda: 0.3, iterations: 11, variant: 'weighted' });
    expect(s.view.thresholds).toEqual({ projection: 0.4 });
    expect(client.of('saveModel')).toHaveLength(0);
  });

  it('keeps a freshly trained model and reports a full quota', async () => {
    store.setState({ backend: ready, normal: [info('n1', 'a.png')] });
    client.last('restoreModel').resolve({ kind: 'none' });
    const training = store.getState().train();
    client.last('train').resolve({ model, history: [] });
    await training;
    expect(store.getState().stored).toEqual({ kind: 'saving' });
    expect(client.last('saveModel').args).toMatchObject({ settings: { projection: { variant: 'weighted' } } });
    client.last('saveModel').resolve({ kind: 'failed', quota: true, message: 'storage quota exceeded' });
    await flush();
    expect(store.getState().stored).toEqual({ kind: 'failed', quota: true, message: 'storage quota exceeded' });
  });

  it('a refused model file leaves the loaded model in place and says why', async () => {
    store.setState({ model });
    const importing = store.getState().importModel(new Blob(['x']));
    client.last('importModel').reject('model-corrupt', 'not a zip');
    await importing;
    const s = store.getState();
    expect(s.model).toBe(model);
    expect(s.modelFile).toEqual({ kind: 'refused', message: 'not a zip' });
    expect(s.failure).toMatchObject({ code: 'model-corrupt', during: 'Loading the model file' });
  });

  it('forgets the model in the worker and on the page', async () => {
    store.setState({ model, stored: { kind: 'saved' } });
    const forgetting = store.getState().forgetModel();
    client.last('forgetModel').resolve(null);
    await forgetting;
    expect(store.getState().model).toBeNull();
    expect(store.getState().stored).toEqual({ kind: 'none' });
  });
});

describe('results slice', () => {
  it('sends images to the dataset and their paired masks to the worker', async () => {
    const files = ['a.png', 'a_mask.png', 'b.png', 'lost_mask.png'].map((name) => ({ name, blob: new Blob([name]) }));
    const adding = store.getState().addTestFiles(files);
    const add = client.last('addImages');
    expect((add.args as { files: { name: string }[] }).files.map((f) => f.name)).toEqual(['a.png', 'b.png']);
    add.resolve({ accepted: [info('f1', 'a.png'), info('f2', 'b.png')], rejected: [] });
    await flush();
    const attach = client.last('attachMasks');
    expect((attach.args as { masks: { testId: string; name: string }[] }).masks.map((m) => [m.testId, m.name])).toEqual([['f1', 'a_mask.png']]);
    attach.resolve({ attached: ['f1'], rejected: [] });
    await adding;
    expect(store.getState().test.map((t) => t.hasMask)).toEqual([true, false]);
    expect(store.getState().rejected?.files.map((f) => f.name)).toEqual(['lost_mask.png']);
  });

  it('runs a batch with progress, fills the scores and keeps the metrics', async () => {
    store.setState({ model, test: [info('t1', 'a.png'), info('t2', 'b.png')] });
    const running = store.getState().runBatch();
    const job = client.last('evaluate');
    expect((job.args as { testIds: string[] }).testIds).toEqual(['t1', 't2']);
    job.emit({ testId: 't1', residual: 2, projection: 1, label: 1 });
    expect(store.getState().batch).toEqual({ kind: 'running', done: 1, total: 2 });
    expect(store.getState().scores.t1).toEqual({ testId: 't1', residual: 2, projection: 1 });
    job.emit({ testId: 't2', residual: 1, projection: 0.5, label: 0 });
    const metrics = { stopped: false, labelled: 2, metrics: {} };
    job.resolve(metrics);
    await running;
    expect(store.getState().batch).toEqual({ kind: 'done', stopped: false });
    expect(store.getState().evaluation).toBe(metrics);
  });
});
