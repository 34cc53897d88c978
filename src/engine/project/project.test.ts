import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import type { Autoencoder } from '../model/autoencoder';
import { reconstructImage } from '../score/score';
import { useCpu } from '../testing/cpu';
import { createLinearAe } from '../testing/linear-ae';
import type { TestAutoencoder } from '../testing/linear-ae';
import { meanAbsDiff, smoothNormal, withSquare } from '../testing/synthetic';
import type { FloatImage, ProjectionFrame, ProjectionSettings } from '../types';
import { project } from './project';
import { runProjection } from './run';

const SIZE = 16;
const WEIGHTED: ProjectionSettings = { alpha: 1, lambda: 0.05, iterations: 20, variant: 'weighted' };

let model: TestAutoencoder;
let defect: ReturnType<typeof withSquare>;

beforeAll(async () => {
  await useCpu();
  const normals = Array.from({ length: 24 }, (_, i) => smoothNormal(SIZE, 1, 100 + i, 0.02));
  model = createLinearAe(normals, 8);
  defect = withSquare(smoothNormal(SIZE, 1, 900, 0.02), 5, 6, 4, 1);
});
afterAll(() => model.dispose());

async function collect(gen: AsyncGenerator<ProjectionFrame>): Promise<ProjectionFrame[]> {
  const frames: ProjectionFrame[] = [];
  for await (const f of gen) frames.push(f);
  return frames;
}

async function expectInvalid(run: Promise<unknown>): Promise<void> {
  const err: unknown = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isEngineError(err, 'invalid-argument')).toBe(true);
}

describe('project', () => {
  it('makes the energy fall on a defective image', async () => {
    const { energies } = await runProjection(model, defect.image, WEIGHTED);
    expect(energies).toHaveLength(WEIGHTED.iterations + 1);
    const first = energies[0] ?? 0;
    expect(energies.at(-1)).toBeLessThan(0.5 * first);
    energies.slice(1).forEach((e, i) => expect(e).toBeLessThanOrEqual((energies[i] ?? 0) * 1.001));
  });

  it('moves pixels inside the defect far more than outside (weighted)', async () => {
    const { xT } = await runProjection(model, defect.image, WEIGHTED);
    const inside = meanAbsDiff(xT, defect.image, defect.mask, true);
    const outside = meanAbsDiff(xT, defect.image, defect.mask, false);
    expect(inside).toBeGreaterThan(0.1);
    expect(inside).toBeGreaterThan(10 * outside);
  });

  it.each(['weighted', 'plain'] as const)('takes the %s step of ALGORITHM.md from x0', async (variant) => {
    // For the linear projector, grad L_r = 2 (x - f(x)); at x = x0 the L1 term's subgradient is 0.
    const x0 = defect.image;
    const fx = await reconstructImage(model, x0);
    const s: ProjectionSettings = { alpha: 0.3, lambda: 0.05, iterations: 1, variant };
    const { xT } = await runProjection(model, x0, s);
    x0.data.forEach((v, i) => {
      const r = v - (fx.data[i] ?? 0);
      const weight = variant === 'weighted' ? r * r : 1;
      const expected = Math.min(1, Math.max(0, v - s.alpha * 2 * r * weight));
      expect(xT.data[i]).toBeCloseTo(expected, 5);
    });
  });

  it('takes the calibrated step: the weight divided by the square of the gain at each pixel', async () => {
    const x0 = defect.image;
    const fx = await reconstructImage(model, x0);
    const s: ProjectionSettings = { alpha: 0.3, lambda: 0.05, iterations: 1, variant: 'calibrated' };
    // Gain 3 on the left half, 1 on the right: the left half moves 9 times less than 'weighted'.
    const gain = new Float32Array(SIZE * SIZE).map((_, p) => (p % SIZE < SIZE / 2 ? 3 : 1));
    const { xT } = await runProjection(model, x0, s, { weightGain: gain });
    x0.data.forEach((v, i) => {
      const r = v - (fx.data[i] ?? 0);
      const g = gain[i] ?? 1;
      const expected = Math.min(1, Math.max(0, v - (s.alpha * 2 * r * r * r) / (g * g)));
      expect(xT.data[i]).toBeCloseTo(expected, 5);
    });
  });

  it('is the weighted projection without a gain, and with a gain of 1 everywhere', async () => {
    const s: ProjectionSettings = { ...WEIGHTED, iterations: 5 };
    const weighted = await runProjection(model, defect.image, s);
    const noGain = await runProjection(model, defect.image, { ...s, variant: 'calibrated' });
    const ones = await runProjection(model, defect.image, { ...s, variant: 'calibrated' }, { weightGain: new Float32Array(SIZE * SIZE).fill(1) });
    expect(Array.from(noGain.xT.data)).toEqual(Array.from(weighted.xT.data));
    Array.from(ones.xT.data).forEach((v, i) => expect(v).toBeCloseTo(weighted.xT.data[i] ?? 0, 6));
  });

  it('refuses a gain of the wrong size or under 1, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const s: ProjectionSettings = { ...WEIGHTED, variant: 'calibrated' };
    await expectInvalid(runProjection(model, defect.image, s, { weightGain: new Float32Array(SIZE).fill(1) }));
    await expectInvalid(runProjection(model, defect.image, s, { weightGain: new Float32Array(SIZE * SIZE).fill(0.5) }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('yields iteration 0 without an image, every `every` steps and always the last with an image', async () => {
    const frames = await collect(project(model, defect.image, { ...WEIGHTED, iterations: 5 }, { every: 2 }));
    expect(frames.map((f) => f.iteration)).toEqual([0, 2, 4, 5]);
    expect(frames.map((f) => f.image !== undefined)).toEqual([false, true, true, true]);
    const even = await collect(project(model, defect.image, { ...WEIGHTED, iterations: 4 }, { every: 2 }));
    expect(even.map((f) => f.iteration)).toEqual([0, 2, 4]);
  });

  it('returns x0 itself for zero iterations', async () => {
    const frames = await collect(project(model, defect.image, { ...WEIGHTED, iterations: 0 }));
    expect(frames).toHaveLength(1);
    expect(Array.from(frames[0]?.image?.data ?? [])).toEqual(Array.from(defect.image.data));
  });

  it('stops between steps when asked, reports it, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    let steps = 0;
    const run = await runProjection(model, defect.image, WEIGHTED, { every: 5, shouldStop: () => ++steps > 3 });
    expect(run.stopped).toBe(true);
    expect(run.energies).toHaveLength(2); // iteration 0 and the final frame
    const full = await runProjection(model, defect.image, { ...WEIGHTED, iterations: 3 });
    expect(Array.from(run.xT.data)).toEqual(Array.from(full.xT.data));
    expect(full.stopped).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees every tensor after full runs, every variant', async () => {
    const before = tf.memory().numTensors;
    await runProjection(model, defect.image, WEIGHTED);
    await runProjection(model, defect.image, { ...WEIGHTED, variant: 'plain', alpha: 0.1 }, { every: 3 });
    await runProjection(model, defect.image, { ...WEIGHTED, variant: 'calibrated' }, { weightGain: new Float32Array(SIZE * SIZE).fill(2) });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees every tensor when the consumer closes the generator early', async () => {
    const before = tf.memory().numTensors;
    const gen = project(model, defect.image, WEIGHTED);
    await gen.next();
    await gen.next();
    await gen.return(undefined);
    for await (const f of project(model, defect.image, WEIGHTED, { every: 2 })) {
      if (f.iteration >= 4) break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees every tensor when the model fails mid-run', async () => {
    let calls = 0;
    const failing: Autoencoder = {
      config: model.config,
      reconstruct: (x) => {
        if (++calls > 3) throw new Error('backend lost');
        return model.reconstruct(x);
      },
    };
    const before = tf.memory().numTensors;
    await expect(runProjection(failing, defect.image, WEIGHTED)).rejects.toThrow('backend lost');
    expect(calls).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad settings and images that do not fit the model', async () => {
    const before = tf.memory().numTensors;
    const bad: ProjectionSettings[] = [
      { ...WEIGHTED, alpha: -1 },
      { ...WEIGHTED, alpha: Number.NaN },
      { ...WEIGHTED, lambda: -0.1 },
      { ...WEIGHTED, iterations: 2.5 },
      { ...WEIGHTED, variant: 'other' as ProjectionSettings['variant'] },
    ];
    for (const s of bad) await expectInvalid(runProjection(model, defect.image, s));
    await expectInvalid(runProjection(model, defect.image, WEIGHTED, { every: 0 }));
    const small: FloatImage = smoothNormal(8, 1, 1);
    const colour: FloatImage = smoothNormal(SIZE, 3, 1);
    await expectInvalid(runProjection(model, small, WEIGHTED));
    await expectInvalid(runProjection(model, colour, WEIGHTED));
    await expectInvalid(runProjection(model, { ...defect.image, data: new Float32Array(3) }, WEIGHTED));
    expect(tf.memory().numTensors).toBe(before);
  });
});
