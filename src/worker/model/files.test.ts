import * as tf from '@tensorflow/tfjs-core';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../../engine/errors';
import { createVae } from '../../engine/model/vae';
import { useCpu } from '../../engine/testing/cpu';
import type { Calibration } from '../../engine/types';
import { loadModelParts, modelFileName, modelParts, packModelFile, unpackModelFile } from './files';
import type { ModelDescription } from '../../engine/types';
import { modelInfo } from '../../engine/testing/fixtures';

beforeAll(() => useCpu());

const cal: Calibration = { pixelThreshold: 0.1, imageThreshold: 0.3, percentile: 0.99, scaleMax: 0.3, method: 'projection', samples: 4 };
const info: ModelDescription = modelInfo({
  config: { size: 16, channels: 1, latent: 4, width: 4 },
  trainedAt: '2026-03-04T05:06:07.000Z',
  epochsDone: 3,
  finalLoss: 12.5,
  calibration: { projection: cal, at: { alpha: 1, lambda: 0.1, iterations: 6, variant: 'weighted' } },
});
const settings = { projection: { alpha: 2, lambda: 0.2, iterations: 9, variant: 'calibrated' as const }, thresholds: { projection: 0.25 } };

async function packed(): Promise<Uint8Array> {
  const vae = createVae(info.config, 3);
  try {
    return packModelFile(await modelParts({ vae, description: info }, settings));
  } finally {
    vae.dispose();
  }
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
  } catch (e) {
    return isEngineError(e) ? `${e.code}: ${e.message}` : 'not an EngineError';
  }
  return null;
}

describe('model files', () => {
  it('round-trips weights, calibration, training summary and settings through one zip, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const vae = createVae(info.config, 3);
    const bytes = packModelFile(await modelParts({ vae, description: info }, settings));
    expect(Object.keys(unzipSync(bytes)).sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);
    const { loaded: { vae: back }, restored } = loadModelParts(unpackModelFile(bytes));
    // The engine adds the resolved depth to the config.
    expect(restored.model).toMatchObject(info);
    expect(restored.settings).toEqual(settings);
    for (const [i, v] of vae.variables.entries()) {
      expect(Array.from(await back.variables[i]!.data())).toEqual(Array.from(await v.data()));
    }
    vae.dispose();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records working size, channels and app version in metadata.json', async () => {
    const md = JSON.parse(strFromU8(unzipSync(await packed())['metadata.json']!));
    expect(md).toMatchObject({ app: 'manifold-lens', workingSize: 16, channels: 1, appVersion: '0.1.0', epochsDone: 3, calibration: { projection: cal } });
    expect(modelFileName(info)).toBe('manifold-lens-16px-2026-03-04.zip');
  });

  it('refuses damaged and foreign files with model-corrupt / model-incompatible, building nothing', async () => {
    const before = tf.memory().numTensors;
    const parts = unzipSync(await packed());
    const json = JSON.parse(strFromU8(parts['model.json']!));
    const load = (files: Record<string, Uint8Array>) => () => loadModelParts(unpackModelFile(zipSync(files)));
    expect(codeOf(() => unpackModelFile(Uint8Array.from([1, 2, 3, 4, 5])))).toMatch(/^model-corrupt: .*not a zip/);
    expect(codeOf(load({ 'model.json': parts['model.json']! }))).toMatch(/^model-corrupt: .*missing/);
    expect(codeOf(load({ ...parts, 'model.json': strToU8('{"meta":') }))).toMatch(/^model-corrupt: .*not valid JSON/);
    expect(codeOf(load({ ...parts, 'weights.bin': parts['weights.bin']!.slice(0, 100) }))).toMatch(/^model-corrupt: .*truncated/);
    expect(codeOf(load({ ...parts, 'metadata.json': strToU8('nope') }))).toMatch(/^model-corrupt: metadata.json/);
    const newer = strToU8(JSON.stringify({ ...json, meta: { ...json.meta, formatVersion: 2 } }));
    expect(codeOf(load({ ...parts, 'model.json': newer }))).toMatch(/^model-incompatible: .*newer version/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts a zip whose files sit in a folder, and fills what an old metadata.json lacks', async () => {
    const parts = unzipSync(await packed());
    const nested = zipSync({ 'm/model.json': parts['model.json']!, 'm/weights.bin': parts['weights.bin']! });
    const { loaded, restored } = loadModelParts(unpackModelFile(nested));
    loaded.vae.dispose();
    expect(restored.model.trainedAt).toBe(info.trainedAt);
    expect(restored.model.calibration).toEqual(info.calibration);
    expect(restored.settings).toBeNull();
  });

  it('reads a file of the first layout: calibration settings, epochs and stop flag from metadata.json', async () => {
    const parts = unzipSync(await packed());
    const json = JSON.parse(strFromU8(parts['model.json']!));
    const { at, ...calibration } = json.meta.calibration;
    const oldMeta = { ...json.meta, calibration };
    delete oldMeta.epochsDone;
    delete oldMeta.stopped;
    const md = JSON.parse(strFromU8(parts['metadata.json']!));
    const oldMd = { ...md, calibratedWith: at, epochsDone: 7, stopped: true };
    delete oldMd.calibration;
    const file = zipSync({ 'model.json': strToU8(JSON.stringify({ ...json, meta: oldMeta })), 'weights.bin': parts['weights.bin']!, 'metadata.json': strToU8(JSON.stringify(oldMd)) });
    const { loaded, restored } = loadModelParts(unpackModelFile(file));
    loaded.vae.dispose();
    expect(restored.model.calibration).toEqual(info.calibration);
    expect(restored.model).toMatchObject({ epochsDone: 7, stopped: true });
  });
});
