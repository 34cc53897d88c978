import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVae } from '../../engine/model/vae';
import { useCpu } from '../../engine/testing/cpu';
import { isAllocationFailure } from './memory';
import { ModelKeeper } from './recovery';

beforeAll(() => useCpu());

const weights = async (vars: tf.Variable[]) => (await Promise.all(vars.map((v) => v.data()))).map((d) => Array.from(d));

describe('ModelKeeper', () => {
  it('rebuilds the current model from its plain-array copy, and only that model', async () => {
    const keeper = new ModelKeeper();
    const vae = createVae({ size: 16, latent: 4, width: 4, channels: 1 }, 3);
    const other = createVae({ size: 16, latent: 4, width: 4, channels: 1 }, 4);
    const before = tf.memory().numTensors;
    await keeper.sync(vae);
    expect(keeper.rebuild(other)).toBeNull();
    const rebuilt = keeper.rebuild(vae);
    if (!rebuilt) throw new Error('no copy');
    expect(await weights(rebuilt.variables)).toEqual(await weights(vae.variables));
    // The copy now belongs to the rebuilt model, so a second loss can rebuild it again.
    vae.dispose();
    const again = keeper.rebuild(rebuilt);
    expect(again).not.toBeNull();
    rebuilt.dispose();
    again?.dispose();
    other.dispose();
    expect(tf.memory().numTensors).toBe(before - 2 * vae.variables.length);
  });
});

describe('isAllocationFailure', () => {
  it('knows the backends wordings and nothing else', () => {
    expect(isAllocationFailure(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isAllocationFailure(new Error('Failed to allocate 1073741824 bytes'))).toBe(true);
    expect(isAllocationFailure(new Error('Aborted(OOM)'))).toBe(true);
    expect(isAllocationFailure(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isAllocationFailure(new Error('memory access out of bounds'))).toBe(true);
    expect(isAllocationFailure(new Error('Shapes [1,2] and [3] must match'))).toBe(false);
    expect(isAllocationFailure(new RangeError('Maximum call stack size exceeded'))).toBe(false);
  });
});
