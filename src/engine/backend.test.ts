import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, isBackendName } from './backend';
import { wasmDir } from '../cli/node-backend';

describe('chooseBackend', () => {
  it('an explicit override wins when it works', async () => {
    const choice = await chooseBackend({ override: 'cpu', wasmPaths: wasmDir() });
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.reason).toBe('CPU (chosen in the URL)');
  });

  it('skips WebGPU where there is none and says why', async () => {
    const choice = await chooseBackend({ order: ['webgpu', 'cpu'] });
    expect(choice.name).toBe('cpu');
    expect(choice.tried[0]).toEqual({ name: 'webgpu', ok: false, reason: 'no WebGPU in this browser' });
    expect(choice.reason).toBe('CPU: no WebGPU in this browser');
  });

  it('takes wasm in Node after its conv-gradient smoke test', async () => {
    const choice = await chooseBackend({ order: ['webgpu', 'wasm', 'cpu'], wasmPaths: wasmDir() });
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.tried.map((t) => t.ok)).toEqual([false, true]);
    expect(choice.software).toBe(false);
  });

  it('falls back past an unknown override', async () => {
    const choice = await chooseBackend({ override: 'tpu', order: ['cpu'] });
    expect(choice.name).toBe('cpu');
    expect(isBackendName('tpu')).toBe(false);
  });

  it('leaves no tensors behind', async () => {
    await chooseBackend({ override: 'cpu' });
    const before = tf.memory().numTensors;
    await chooseBackend({ override: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
