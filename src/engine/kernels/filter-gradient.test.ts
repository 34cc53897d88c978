/**
 * The SIMD filter-gradient kernel against tfjs's own convolution gradient (cpu backend), on
 * shapes that reach every edge of its loops: padding on each side, strides whose windows skip
 * the last rows, several channel blocks; and where it steps aside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { onCpu } from '../testing/cpu';
import { useWasm } from '../testing/wasm';
import { filterGradientSimd } from './filter-gradient';
import { relativeError } from './self-check';
import { currentSimd, setSimdKernelsEnabled } from './simd-module';
import { SIMD_KERNELS_PLAIN, SIMD_KERNELS_SHARED } from './simd-kernels.generated';

let wasmOk = false;
beforeAll(async () => {
  wasmOk = await useWasm();
});
afterAll(() => setSimdKernelsEnabled(true));

/** tfjs's filter gradient on the cpu backend, brought back to the current backend. */
function reference(x: Tensor4D, dy: Tensor4D, k: number, stride: number, pad: number): Promise<tf.Tensor> {
  return onCpu([x, dy], (xc, dyc) =>
    tf.grad((f) => tf.sum(tf.mul(tf.conv2d(xc as Tensor4D, f as Tensor4D, stride, pad), dyc!)))(tf.zeros([k, k, x.shape[3], dy.shape[3]])),
  );
}

const CASES: { name: string; x: [number, number, number, number]; k: number; stride: number; pad: number; cout?: number }[] = [
  { name: '3 x 3, stride 1, pad 1, odd sizes, two blocks each way', x: [2, 7, 9, 8], k: 3, stride: 1, pad: 1 },
  { name: '4 x 4, stride 2, pad 1 (the encoder)', x: [3, 8, 6, 4], k: 4, stride: 2, pad: 1 },
  { name: '3 x 3, stride 2, no padding, windows skipping the last row and column', x: [2, 8, 8, 4], k: 3, stride: 2, pad: 0 },
  { name: '5 x 5, stride 1, pad 2 wider than a row of 3', x: [1, 4, 3, 4], k: 5, stride: 1, pad: 2 },
  { name: '3 colours in (channels padded to a block, the result cut back)', x: [2, 8, 8, 3], k: 4, stride: 2, pad: 1 },
  { name: '3 channels out, 6 in (both padded)', x: [2, 6, 6, 6], k: 3, stride: 1, pad: 1, cout: 3 },
];

describe('SIMD filter gradient on wasm', () => {
  for (const c of CASES) {
    it(`equals tfjs's gradient: ${c.name}`, async () => {
      if (!wasmOk) throw new Error('wasm backend did not start');
      const x = tf.randomNormal(c.x, 0, 1, 'float32', 3) as Tensor4D;
      const ho = Math.floor((c.x[1] + 2 * c.pad - c.k) / c.stride) + 1;
      const wo = Math.floor((c.x[2] + 2 * c.pad - c.k) / c.stride) + 1;
      const dy = tf.randomNormal([c.x[0], ho, wo, c.cout ?? 16], 0, 1, 'float32', 4) as Tensor4D;
      const ref = await reference(x, dy, c.k, c.stride, c.pad);
      const before = tf.memory().numTensors;
      const g = filterGradientSimd(x, dy, c.k, c.k, c.stride, c.pad);
      if (g === null) throw new Error('the kernel stepped aside');
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(g.shape).toEqual(ref.shape);
      expect(await relativeError(g, ref)).toBeLessThan(1e-5);
      tf.dispose([x, dy, ref, g]);
    });
  }

  it('writes every value of its output, whatever the reused memory held', async () => {
    const x = tf.randomNormal([1, 6, 6, 4], 0, 1, 'float32', 5) as Tensor4D;
    const dy = tf.randomNormal([1, 6, 6, 8], 0, 1, 'float32', 6) as Tensor4D;
    const first = filterGradientSimd(x, dy, 3, 3, 1, 1)!;
    const values = await first.data();
    first.dispose();
    // The same-sized block just freed, filled with garbage, is where the next output lands.
    tf.fill([3, 3, 4, 8], 1e6).dispose();
    const second = filterGradientSimd(x, dy, 3, 3, 1, 1)!;
    expect(Array.from(await second.data())).toEqual(Array.from(values));
    tf.dispose([x, dy, second]);
  });

  it('steps aside when turned off, and off wasm', async () => {
    const x4 = tf.zeros([1, 4, 4, 4]) as Tensor4D;
    const dy8 = tf.zeros([1, 4, 4, 8]) as Tensor4D;
    setSimdKernelsEnabled(false);
    expect(filterGradientSimd(x4, dy8, 3, 3, 1, 1)).toBeNull();
    setSimdKernelsEnabled(true);
    await tf.setBackend('cpu');
    expect(currentSimd()).toBeNull();
    await tf.setBackend('wasm');
    expect(currentSimd()).not.toBeNull();
    tf.dispose([x4, dy8]);
  });

  it('links to a shared memory (the threaded build) and computes the same there', () => {
    const run = (base64: string, shared: boolean): Float32Array => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared });
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as {
        filterGradient: (...args: number[]) => void;
      };
      const f32 = new Float32Array(memory.buffer);
      // x [1, 3, 3, 4] at 0, dy [1, 3, 3, 8] at 64 floats, the 3 x 3 x 4 x 8 output at 256.
      for (let i = 0; i < 36; i++) f32[i] = Math.sin(i);
      for (let i = 0; i < 72; i++) f32[64 + i] = Math.cos(i);
      exports.filterGradient(0, 256, 1024, 3, 3, 4, 3, 3, 8, 3, 3, 1, 1, 1, 0, 3);
      return f32.slice(256, 256 + 288);
    };
    const plain = run(SIMD_KERNELS_PLAIN, false);
    expect(plain.some((v) => v !== 0)).toBe(true);
    expect(Array.from(run(SIMD_KERNELS_SHARED, true))).toEqual(Array.from(plain));
  });
});
