import type { ModelDescription } from '../engine/types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImageInfo, InspectResult, } from '../worker/protocol';
import { DEFAULT_SETTINGS, DEMO_SETTINGS, parseUrlOptions, RERUN_DEBOUNCE_MS, withDemoSettings } from './defaults';
import { createAppStore, selectStatus, type AppStore } from './index';
import { modelInfo } from '../engine/testing/fixtures';
import { FakeClient, flush } from './testing/fakeClient';

const info = (id: string, kind?: string): ImageInfo => ({
  id,
  name: `${id}.png`,
  width: 16,
  height: 16,
  channels: 3,
  thumb: { width: 1, height: 1, data: new Uint8ClampedArray(4) },
  kind,
  hasMask: kind !== undefined && kind !== 'good',
});

const model: ModelDescription = modelInfo();

const img = () => ({ width: 1, height: 1, channels: 3 as const, data: new Float32Array(3) });
const result = (testId: string, score: number): InspectResult => ({
  testId,
  x0: img(),
  recon: img(),
  projected: img(),
  residual: { method: 'residual', score: score * 2, map: new Float32Array(1), width: 1, height: 1 },
  projection: { method: 'projection', score, map: new Float32Array(1), width: 1, height: 1 },
  energies: [2, 1],
  stopped: false,
});

let client: FakeClient;
let store: AppStore;
const status = () => selectStatus(store.getState());

beforeEach(() => {
  client = new FakeClient();
  client.auto.demo = () => ({ normal: [info('n1'), info('n2')], test: [info('t1', 'hole'), info('t2', 'good')] });
  store = createAppStore({ client, wasmPaths: null, wasmThreads: 1, testHooks: false });
});

async function trained(): Promise<void> {
  await store.getState().loadDemo();
  const training = store.getState().train();
  client.last('train').resolve({ model, history: [{ epoch: 1, loss: 3, valLoss: 2 }] });
  await training;
  store.getState().select('t1');
}

describe('status', () => {
  it('starts loading the backend, then says how to start', async () => {
    expect(status().state).toBe('loading');
    const init = store.getState().initBackend('webgpu');
    client.last('init').resolve({ name: 'webgpu', reason: 'WebGPU', software: false, adapterInfo: null, tried: [] });
    await init;
    expect(status()).toEqual({ state: 'idle', text: 'Add normal images or try the demo to start.' });
    expect(client.last('init').args).toEqual({ backend: 'webgpu', wasmPaths: null, wasmThreads: 1, testHooks: false });
  });

  it('reports a failed backend as an error', async () => {
    const init = store.getState().initBackend(null);
    client.last('init').reject('backend-unavailable', 'nothing works');
    await init;
    expect(status()).toEqual({ state: 'error', text: 'No ML backend could start: nothing works' });
  });
});

describe('dataset', () => {
  beforeEach(() => store.setState({ backend: { kind: 'ready', choice: { name: 'cpu', reason: 'CPU', software: false, adapterInfo: null, tried: [] } } }));

  it('the demo fills both sets at the working size', async () => {
    await store.getState().loadDemo();
    expect(store.getState().normal.map((i) => i.id)).toEqual(['n1', 'n2']);
    expect(store.getState().test.map((i) => i.id)).toEqual(['t1', 't2']);
    expect(client.last('demo').args).toMatchObject({ size: DEFAULT_SETTINGS.model.size });
    expect(status().state).toBe('idle');
  });

  it('the demo sets the settings suited to its tiles over the defaults, and says so', async () => {
    await store.getState().loadDemo();
    expect(store.getState().settings.model).toMatchObject(DEMO_SETTINGS.model);
    expect(store.getState().settings.train).toMatchObject(DEMO_SETTINGS.train);
    expect(store.getState().settings.model.size).toBe(DEFAULT_SETTINGS.model.size);
    expect(store.getState().notice?.kind).toBe('demo-settings');
    // A second Try the demo changes nothing more.
    await store.getState().loadDemo();
    expect(store.getState().settings).toEqual(withDemoSettings(DEFAULT_SETTINGS));
  });

  it('the demo keeps settings someone chose', async () => {
    store.getState().setSettings({ train: { epochs: 7 } });
    const chosen = store.getState().settings;
    await store.getState().loadDemo();
    expect(store.getState().settings).toEqual(chosen);
    expect(store.getState().notice).toBeNull();
    // A link that sets the model or its training has chosen, even at the default values.
    for (const query of ['?size=32', '?bottleneck=dense', '?epochs=20']) {
      const o = parseUrlOptions(query);
      const fromUrl = createAppStore({ client, wasmPaths: null, wasmThreads: 1, testHooks: false }, o.settings, o.settingsChosen);
      fromUrl.setState({ backend: store.getState().backend });
      await fromUrl.getState().loadDemo();
      expect(fromUrl.getState().settings).toEqual(o.settings);
    }
    expect(parseUrlOptions('?backend=wasm&alpha=2&threads=1').settingsChosen).toBe(false);
  });

  it("after the demo, a person's own normal images give the demo's settings back to the defaults, and chosen ones stay", async () => {
    await store.getState().loadDemo();
    store.getState().setSettings({ model: { size: 32 } });
    const chosen = store.getState().settings;
    const adding = store.getState().addFiles('normal', [{ name: 'mine.png', blob: new Blob(['x']) }]);
    client.last('addImages').resolve({ accepted: [info('m1')], rejected: [] });
    await adding;
    expect(store.getState().settings).toEqual(chosen);
    store.setState({ settings: DEFAULT_SETTINGS, settingsFrom: 'defaults' });
    await store.getState().loadDemo();
    const own = store.getState().addFiles('normal', [{ name: 'mine.png', blob: new Blob(['x']) }]);
    client.last('addImages').resolve({ accepted: [info('m2')], rejected: [] });
    await own;
    expect(store.getState().settings).toEqual(DEFAULT_SETTINGS);
    expect(store.getState().settingsFrom).toBe('defaults');
    expect(store.getState().notice?.text).toContain('default settings');
  });

  it('keeps the good files of a drop and lists the refused ones', async () => {
    const adding = store.getState().addFiles('normal', [{ name: 'a.png', blob: new Blob(['x']) }, { name: 'b.txt', blob: new Blob(['y']) }]);
    expect(status().state).toBe('loading');
    const call = client.last('addImages');
    call.emit({ done: 1, total: 2 });
    expect(status().text).toContain('1 of 2');
    call.resolve({ accepted: [info('f1')], rejected: [{ name: 'b.txt', reason: 'not an image' }] });
    await adding;
    expect(store.getState().normal).toHaveLength(1);
    expect(store.getState().rejected).toEqual({ set: 'normal', files: [{ name: 'b.txt', reason: 'not an image' }] });
  });
});

describe('training and inspection', () => {
  beforeEach(() => store.setState({ backend: { kind: 'ready', choice: { name: 'cpu', reason: 'CPU', software: false, adapterInfo: null, tried: [] } } }));
  afterEach(() => vi.useRealTimers());

  it('shows progress, keeps the history, rests at trained while scoring, then inspects what is selected', async () => {
    await store.getState().loadDemo();
    const training = store.getState().train();
    const call = client.last('train');
    call.emit({ kind: 'phase', phase: 'training' });
    call.emit({ kind: 'progress', progress: { epoch: 1, epochs: 2, step: 2, stepsPerEpoch: 4, loss: 5, recon: 5, kl: 0, valLoss: null, imagesPerSec: 10, etaMs: 1000 } });
    expect(status()).toEqual({ state: 'training', text: `Training: epoch 1 of ${store.getState().settings.train.epochs}` });
    expect(store.getState().steps).toEqual([{ x: 0.5, loss: 5 }]);
    call.emit({ kind: 'epoch', epoch: 1, loss: 4, valLoss: 3 });
    call.emit({ kind: 'phase', phase: 'calibrating' });
    call.emit({ kind: 'calibration', done: 2.5, total: 8 });
    expect(store.getState().training).toMatchObject({ kind: 'running', phase: 'calibrating', calibration: { done: 2.5, total: 8 } });
    const pair = { input: { width: 1, height: 1, channels: 1 as const, data: new Float32Array(1) }, output: { width: 1, height: 1, channels: 1 as const, data: new Float32Array(1) } };
    call.emit({ kind: 'grid', epoch: 1, grid: [pair] });
    call.resolve({ model, history: [] });
    await training;
    expect(store.getState().history).toEqual([{ epoch: 1, loss: 4, valLoss: 3 }]);
    expect(store.getState()).toMatchObject({ grid: [pair], gridEpoch: 1 });
    expect(status().state).toBe('trained');
    const scoring = client.last('score');
    expect((scoring.args as { testIds: string[] }).testIds).toEqual(['t1', 't2']);
    scoring.emit({ testId: 't2', residual: 0.2, projection: 0.1 });
    expect(status().text).toContain('(1 of 2)');
    store.getState().select('t1');
    expect(scoring.cancelled).toBe(true);
    expect(status().state).toBe('projecting');
    client.last('inspect').resolve(result('t1', 0.5));
    await flush();
    expect(status()).toEqual({ state: 'done', text: 'Inspected t1.png.' });
    expect(store.getState().scores.t1?.projection).toBe(0.5);
    // t2's score came in before the cancel and is kept: nothing is left to score.
    expect(store.getState().scores.t2?.projection).toBe(0.1);
    expect(client.of('score')).toHaveLength(1);
  });

  it('folds the normal images away after training, and uploading a test image with none selected inspects it at once', async () => {
    await store.getState().loadDemo();
    const training = store.getState().train();
    client.last('train').resolve({ model, history: [] });
    await training;
    expect(store.getState().view.datasetFolded).toBe(true);
    expect(store.getState().selectedId).toBeNull();
    const adding = store.getState().addFiles('test', [{ name: 'part.png', blob: new Blob(['x']) }, { name: 'other.png', blob: new Blob(['y']) }]);
    client.last('addImages').resolve({ accepted: [info('u1'), info('u2')], rejected: [] });
    await adding;
    expect(store.getState().selectedId).toBe('u1');
    expect(status().state).toBe('projecting');
    expect((client.last('inspect').args as { testId: string }).testId).toBe('u1');
    // With an image selected, a later upload only adds (and scores) the new ones.
    const more = store.getState().addFiles('test', [{ name: 'third.png', blob: new Blob(['z']) }]);
    client.last('addImages').resolve({ accepted: [info('u3')], rejected: [] });
    await more;
    expect(store.getState().selectedId).toBe('u1');
  });

  it('Stop cancels the job and says it is stopping', async () => {
    await store.getState().loadDemo();
    void store.getState().train();
    store.getState().stopTraining();
    expect(client.last('train').cancelled).toBe(true);
    expect(status().text).toMatch(/Stopping/);
  });

  it('a burst of slider moves runs one projection, with the last value, after the debounce', async () => {
    await trained();
    client.last('inspect').resolve(result('t1', 0.5));
    await flush();
    vi.useFakeTimers();
    const before = client.of('inspect').length;
    for (const iterations of [10, 11, 12]) store.getState().setProjection({ iterations });
    expect(client.of('inspect').length).toBe(before);
    vi.advanceTimersByTime(RERUN_DEBOUNCE_MS);
    expect(client.of('inspect').length).toBe(before + 1);
    expect(client.last('inspect').args).toMatchObject({ settings: { iterations: 12, variant: 'weighted' } });
    expect(client.last('score').cancelled).toBe(true);
  });

  it('a new run cancels the old one and the old result is ignored', async () => {
    await trained();
    const first = client.last('inspect');
    store.getState().select('t2');
    expect(first.cancelled).toBe(true);
    first.resolve(result('t1', 9));
    client.last('inspect').resolve(result('t2', 0.1));
    await flush();
    const insp = store.getState().inspection;
    expect(insp.kind === 'done' && insp.result.testId).toBe('t2');
    expect(store.getState().scores.t1).toBeUndefined();
  });

  it('a failed inspection is an error with its reason, and a cancelled one is not', async () => {
    await trained();
    client.last('inspect').reject('out-of-memory', 'too big');
    await flush();
    expect(status()).toEqual({ state: 'error', text: 'Inspecting the image failed: too big' });
    store.getState().dismissFailure();
    void store.getState().inspectSelected();
    client.last('inspect').reject('cancelled');
    await flush();
    expect(status().state).toBe('trained');
  });
});
