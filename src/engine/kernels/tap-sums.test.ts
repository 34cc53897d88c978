import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { useWasm } from '../testing/wasm';
import { setSimdKernelsEnabled } from './simd-module';
import { tapSumsSimd, type TapSets } from './tap-sums';

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});

/** The definition, one element at a time: out[u, v, a, b] = sum over i in rows[u], j in cols[v] of f[i, j, c, o]. */
function reference(f: Float32Array, shape: number[], swap: boolean, rows: TapSets, cols: TapSets): Float32Array {
  const [, kw = 0, ci = 0, co = 0] = shape;
  const [a, b] = swap ? [co, ci] : [ci, co];
  const out = new Float32Array(rows.length * cols.length * a * b);
  rows.forEach((ri, u) =>
    cols.forEach((cj, v) => {
      for (const i of ri) {
        for (const j of cj) {
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < co; o++) {
              const to = swap ? o * ci + c : c * co + o;
              out[((u * cols.length + v) * a * b) + to]! += f[((i * kw + j) * ci + c) * co + o]!;
            }
          }
        }
      }
    }),
  );
  return out;
}

describe('derived filters from tap blocks on wasm', () => {
  const cases: { shape: [number, number, number, number]; rows: TapSets; cols: TapSets }[] = [
    // The upsampled levels' phases and their input gradient's filter, in blocks of 8.
    { shape: [3, 3, 8, 16], rows: [[0], [1, 2]], cols: [[0, 1], [2]] },
    { shape: [3, 3, 16, 8], rows: [[2], [1, 2], [0, 1], [0]], cols: [[2], [1, 2], [0, 1], [0]] },
    // The flipped filter; channels off every vector (the decoder's last layer, 3 outputs).
    { shape: [3, 3, 5, 3], rows: [[2], [1], [0]], cols: [[2], [1], [0]] },
    // Sums of pairs with a float tail: 4 x 4 taps folded onto 3 x 3.
    { shape: [4, 4, 3, 7], rows: [[2, 3], [1, 2], [0, 1]], cols: [[2, 3], [1, 2], [0, 1]] },
  ];

  for (const { shape, rows, cols } of cases) {
    for (const swap of [false, true]) {
      it(`${shape.join(' x ')} filter, ${rows.length} x ${cols.length} taps${swap ? ', channels swapped' : ''}`, async () => {
        const f = tf.randomNormal(shape, 0, 1, 'float32', 11) as Tensor4D;
        // Poison the memory the output will take, so that a value left unwritten shows.
        tf.dispose(tf.fill([rows.length * cols.length * shape[2] * shape[3]], Number.NaN));
        const out = tapSumsSimd(f, swap, rows, cols);
        if (out === null) throw new Error('the kernel stepped aside');
        const [ci, co] = [shape[2], shape[3]];
        expect(out.shape).toEqual([rows.length, cols.length, swap ? co : ci, swap ? ci : co]);
        const want = reference(await f.data() as Float32Array, shape, swap, rows, cols);
        const got = await out.data();
        for (let k = 0; k < want.length; k++) expect(got[k]!).toBeCloseTo(want[k]!, 5);
        tf.dispose([f, out]);
      });
    }
  }

  it('steps aside off the kernels and for a tap that sums nothing', () => {
    const f = tf.ones([3, 3, 4, 4]) as Tensor4D;
    expect(tapSumsSimd(f, false, [[0], []], [[0]])).toBeNull();
    setSimdKernelsEnabled(false);
    try {
      expect(tapSumsSimd(f, false, [[0]], [[0]])).toBeNull();
    } finally {
      setSimdKernelsEnabled(true);
    }
    f.dispose();
  });
});
