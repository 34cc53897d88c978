import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { useCpu } from '../testing/cpu';
import type { ModelArtifacts } from '../types';
import type { Vae } from './autoencoder';
import { smoothSigmaOf } from '../limits';
import { layoutOf } from '../data/layout';
import { decodeArtifacts, describe as describeModel, encodeArtifacts, exportArtifacts, importArtifacts } from './io';
import { createVae } from './vae';
import { errorCodeOf } from '../testing/errors';

beforeAll(() => useCpu());

const cfg = { size: 16, channels: 3 as const, latent: 4, width: 4 };

async function reconstruction(vae: Vae, x: Tensor4D): Promise<number[]> {
  const r = vae.reconstruct(x);
  try {
    return Array.from(await r.data());
  } finally {
    r.dispose();
  }
}

/** Files of a fresh model, with model.json parsed for editing. */
async function files(): Promise<{ json: Record<string, unknown> & { meta: Record<string, unknown>; weights: Record<string, unknown>[] }; bin: Uint8Array }> {
  const vae = createVae(cfg, 11);
  const { modelJson, weights } = encodeArtifacts(await exportArtifacts(vae));
  vae.dispose();
  return { json: JSON.parse(modelJson), bin: weights };
}

describe('model io', () => {
  it('round-trips through model.json + weights.bin with identical reconstructions', async () => {
    const before = tf.memory().numTensors;
    const vae = createVae(cfg, 3);
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4) as Tensor4D;
    const calibration = { pixelThreshold: 0.1, imageThreshold: 0.2, percentile: 99, scaleMax: 0.3, method: 'residual' as const, samples: 5 };
    const a = await exportArtifacts(vae, { calibration: { residual: calibration, at: null }, finalLoss: 12.5, appVersion: '9.9.9' });
    const { modelJson, weights } = encodeArtifacts(a);
    expect(weights.byteLength).toBe(a.weights.reduce((s, w) => s + w.data.length * 4, 0));
    const back = decodeArtifacts(modelJson, weights);
    expect(back.meta).toEqual(a.meta);
    expect(back.meta.appVersion).toBe('9.9.9');
    expect(back.meta.config).toEqual({ ...cfg, depth: 2 });
    const loaded = importArtifacts(back);
    expect(await reconstruction(loaded, x)).toEqual(await reconstruction(vae, x));
    [vae, loaded].forEach((v) => v.dispose());
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips a spatial-bottleneck model, and a dense model is not read as spatial', async () => {
    const spatial = { ...cfg, bottleneck: 'spatial' as const };
    const vae = createVae(spatial, 5);
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 6) as Tensor4D;
    const { modelJson, weights } = encodeArtifacts(await exportArtifacts(vae));
    const back = decodeArtifacts(modelJson, weights);
    expect(back.meta.config).toEqual({ ...spatial, depth: 2 });
    const loaded = importArtifacts(back);
    expect(await reconstruction(loaded, x)).toEqual(await reconstruction(vae, x));
    [vae, loaded].forEach((v) => v.dispose());
    x.dispose();
    const dense = await files();
    (dense.json.meta.config as Record<string, unknown>).bottleneck = 'spatial';
    expect(errorCodeOf(() => decodeArtifacts(JSON.stringify(dense.json), dense.bin))).toBe('model-corrupt');
  });

  it('writes little-endian float32 at the manifest offsets', async () => {
    const { json, bin } = await files();
    const entry = json.weights.find((w) => w.name === 'enc0/kernel')!;
    const vae = createVae(cfg, 11);
    const expected = await vae.variables[0]!.data();
    const view = new DataView(bin.buffer, bin.byteOffset + (entry.offset as number));
    expect(view.getFloat32(4, true)).toBe(expected[1]);
    expect(entry.length).toBe(expected.length * 4);
    expect(json.meta.appVersion).toBe('0.1.0');
    vae.dispose();
  });

  it('rejects foreign and newer files as model-incompatible', async () => {
    const { json, bin } = await files();
    const foreign = { ...json, meta: { ...json.meta, format: 'keras' } };
    const newer = { ...json, meta: { ...json.meta, formatVersion: 2 } };
    expect(errorCodeOf(() => decodeArtifacts(JSON.stringify(foreign), bin))).toBe('model-incompatible');
    expect(errorCodeOf(() => decodeArtifacts(JSON.stringify(newer), bin))).toBe('model-incompatible');
    let message = '';
    try {
      decodeArtifacts(JSON.stringify(newer), bin);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/newer version/);
  });

  it('rejects damaged files as model-corrupt', async () => {
    const { json, bin } = await files();
    const edit = (f: (j: typeof json) => void): string => {
      const j = structuredClone(json);
      f(j);
      return JSON.stringify(j);
    };
    const nan = bin.slice();
    new DataView(nan.buffer).setFloat32(8, NaN, true);
    const cases: [string, string, Uint8Array][] = [
      ['not JSON', '{"meta":', bin],
      ['truncated weights.bin', JSON.stringify(json), bin.slice(0, bin.byteLength - 4)],
      ['NaN weight', JSON.stringify(json), nan],
      ['missing weight', edit((j) => j.weights.splice(1, 1)), bin],
      ['wrong shape', edit((j) => (j.weights[0]!.shape = [4, 4, 3, 5])), bin],
      ['bad length', edit((j) => (j.weights[0]!.length = 8)), bin],
      ['invalid config', edit((j) => ((j.meta.config as Record<string, unknown>).size = 48)), bin],
      ['no meta', edit((j) => delete (j as Record<string, unknown>).meta), bin],
      ['extra weight', edit((j) => j.weights.push({ ...j.weights[0]!, name: 'extra/kernel' })), bin],
    ];
    for (const [name, modelJson, weights] of cases) {
      expect(errorCodeOf(() => decodeArtifacts(modelJson, weights)), name).toBe('model-corrupt');
    }
  });

  it('importArtifacts validates plain artifacts and leaks nothing on failure', async () => {
    const vae = createVae(cfg, 2);
    const a = await exportArtifacts(vae);
    vae.dispose();
    const before = tf.memory().numTensors;
    const bad: ModelArtifacts = { ...a, weights: a.weights.map((w, i) => (i === 3 ? { ...w, data: w.data.slice(1) } : w)) };
    expect(errorCodeOf(() => importArtifacts(bad))).toBe('model-corrupt');
    const inf: ModelArtifacts = { ...a, weights: a.weights.map((w, i) => (i === 0 ? { ...w, data: w.data.map(() => Infinity) } : w)) };
    expect(errorCodeOf(() => importArtifacts(inf))).toBe('model-corrupt');
    expect(tf.memory().numTensors).toBe(before);
    const ok = importArtifacts(a);
    ok.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('map smoothing stored with the model', () => {
  const config = { size: 64, channels: 3 as const, latent: 8, width: 4, depth: 2, reconstruction: { kind: 'ssim' as const, window: 7 as const } };

  it('keeps the smoothing and the reconstruction term a model was made with, and gives older files the earlier rule', () => {
    const d = describeModel({ config, smoothSigma: 2 });
    expect(d.smoothSigma).toBe(2);
    expect(d.config.reconstruction).toEqual({ kind: 'ssim', window: 7 });
    expect(smoothSigmaOf(d)).toBe(2);
    const old = describeModel({ config });
    expect(old.smoothSigma).toBeUndefined();
    expect(smoothSigmaOf(old)).toBe(1);
    expect(describeModel({ config, smoothSigma: -1 }).smoothSigma).toBeUndefined();
  });
});

describe('input layout stored with the model', () => {
  const config = { size: 32, channels: 1 as const, latent: 8, width: 4, depth: 2 };

  it('keeps a valid layout, drops a broken one, and older files read as squashed whole images', () => {
    expect(describeModel({ config, input: { mode: 'patches', scale: 0.25, stride: 16 } }).input).toEqual({ mode: 'patches', scale: 0.25, stride: 16 });
    expect(describeModel({ config, input: { mode: 'whole', fit: 'letterbox' } }).input).toEqual({ mode: 'whole', fit: 'letterbox' });
    expect(describeModel({ config, input: { mode: 'patches', scale: 2, stride: 16 } }).input).toBeUndefined();
    expect(layoutOf(describeModel({ config }))).toEqual({ mode: 'whole', fit: 'squash' });
  });
});

describe('map corrections stored with the calibration', () => {
  const config = { size: 32, channels: 1 as const, latent: 8, width: 4, depth: 2 };
  const cal = { pixelThreshold: 0.1, imageThreshold: 0.2, percentile: 0.99, scaleMax: 0.2, method: 'projection' as const, samples: 8 };

  it('keeps a usable gain, drops a broken one (the maps are then used as they are) and keeps the rest of the calibration', () => {
    const read = (edgeGain: unknown) => describeModel({ config, calibration: { projection: { ...cal, edgeGain } as never, at: null } }).calibration.projection;
    expect(read([1.5, 1.2, 1])?.edgeGain).toEqual([1.5, 1.2, 1]);
    for (const bad of [[1.5, Number.NaN], [0.5], 'x', [1, '2']]) {
      const c = read(bad);
      expect(c?.edgeGain).toBeUndefined();
      expect(c).toMatchObject(cal);
    }
    expect(describeModel({ config, calibration: { residual: 'junk' as never, at: null } }).calibration).toEqual({ at: null });
    const detailOf = (detail: unknown) => describeModel({ config, calibration: { projection: { ...cal, detail } as never, at: null } }).calibration.projection?.detail;
    expect(detailOf({ low: 0.01, median: 0.05, scale: 0.2 })).toEqual({ low: 0.01, median: 0.05, scale: 0.2 });
    for (const bad of [{ low: 0.05, median: 0.01, scale: 0.2 }, { low: 0.01, median: 0.05, scale: 0 }, { low: null, median: 0.05, scale: 1 }, 3]) expect(detailOf(bad)).toBeUndefined();
  });

  it("keeps a score scale with its usable corrections; one without a smoothing makes the method's calibration unusable", () => {
    const read = (score: unknown) => describeModel({ config, calibration: { projection: { ...cal, score } as never, at: null } }).calibration.projection;
    expect(read({ sigma: 0.5, edgeGain: [2, 1.2], detail: { low: 0.01, median: 0.05, scale: 0.2 } })?.score).toEqual({ sigma: 0.5, edgeGain: [2, 1.2], detail: { low: 0.01, median: 0.05, scale: 0.2 } });
    expect(read({ sigma: 0.5, edgeGain: [0.5] })?.score).toEqual({ sigma: 0.5 });
    for (const bad of [{ sigma: -1 }, { sigma: 'x' }, {}, 4]) expect(read(bad)).toBeUndefined();
  });
});
