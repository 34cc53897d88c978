/**
 * The arithmetic underneath a training step, timed on its own: one 3x3 convolution of the
 * network's full-resolution shape (by the engine's route: on wasm its SIMD kernel,
 * kernels/conv2d.ts) and one square matrix product, on the active backend. Beside
 * the same two kernels in PyTorch they show how far apart the two libraries' convolution and
 * GEMM routines are, which bounds how close a whole training step can come.
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2dSimd } from '../kernels/conv2d';
import { median, round, sample } from './stats';

/** The shapes: a `batch` of `size` x `size` maps with `width` channels in and out; an n x n x n product. */
export interface KernelShapes {
  batch: number;
  size: number;
  width: number;
  matmul: number;
}

export interface KernelTimes {
  convMs: number | null;
  matmulMs: number | null;
}

/** Floating-point operations (multiply and add counted apart) of each kernel. */
export function kernelFlops(s: KernelShapes): { conv: number; matmul: number } {
  return { conv: 2 * s.batch * s.size * s.size * s.width * s.width * 9, matmul: 2 * s.matmul ** 3 };
}

/** Median ms per call of each kernel on the active backend (inputs made once, outputs read back per block). */
export async function timeKernels(s: KernelShapes, o: { repeats: number; budgetMs: number }): Promise<KernelTimes> {
  const x = tf.randomUniform([s.batch, s.size, s.size, s.width]) as tf.Tensor4D;
  const w = tf.randomUniform([3, 3, s.width, s.width], -0.1, 0.1) as tf.Tensor4D;
  const a = tf.randomUniform([s.matmul, s.matmul]) as tf.Tensor2D;
  const b = tf.randomUniform([s.matmul, s.matmul]) as tf.Tensor2D;
  // cpu and wasm run a kernel before the call returns; a GPU backend is waited for by reading
  // one value back (a slice on the GPU). Not on wasm: its Slice of a reshaped 1 M-float output
  // took 14 ms, longer than the convolution it was waiting for.
  const synchronous = ['cpu', 'wasm'].includes(tf.getBackend());
  const timed = async (op: () => tf.Tensor): Promise<number | null> => {
    const run = async (calls: number) => {
      for (let i = 0; i < calls; i++) {
        const out = synchronous ? op() : tf.tidy(() => op().reshape([-1]).slice(0, 1));
        if (!synchronous) await out.data();
        out.dispose();
      }
    };
    const { perCallMs } = await sample(run, { warmup: 2, repeats: o.repeats, budgetMs: o.budgetMs, blockMs: 150, maxBlock: 8 });
    return round(median(perCallMs), 3);
  };
  try {
    const conv = () => conv2dSimd(x, w, null, 1, [1, 1, 1, 1], 'linear') ?? tf.conv2d(x, w, 1, 'same');
    return { convMs: await timed(conv), matmulMs: await timed(() => tf.matMul(a, b)) };
  } finally {
    tf.dispose([x, w, a, b]);
  }
}
