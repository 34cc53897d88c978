/**
 * The input gradient of a kernel-4, stride-2, pad-1 convolution (the encoder's layers) as one
 * tfjs kernel on the wasm backend: four stride-1 2 x 2 convolutions of dy, one per phase (r, s)
 * of the output's rows and columns, each written by simd-kernels.wat's conv2d straight into its
 * pixels of the output (every second pixel of every second row), so no stacking of the phases
 * is needed (tfjs-wasm's Pack: 5 to 9 ms of a 64 px training step), and dy is padded once for
 * all four instead of once each. The four phases are one call, shared out over the helpers.
 * model/conv.ts derives the quarters and says which pixel each phase is.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { OUT_BLOCK, ROW_CHUNKS_PER_THREAD } from './conv2d';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';
import { splitRange } from './simd-pool';

const KERNEL = 'SubPixelGradientSimd';
/** The quarters' input names, in the order G_00, G_01, G_10, G_11 (phase r of the rows, s of the columns). */
const QUARTERS = ['g00', 'g01', 'g10', 'g11'] as const;

registerSimdKernel<Record<string, never>>(
  KERNEL,
  ({ dy, g00 }) => [dy!.shape[0]!, 2 * (dy!.shape[1]! - 2), 2 * (dy!.shape[2]! - 2), g00!.shape[3]!],
  (simd, inputs, out) => {
    const { dy } = inputs;
    const [n = 0, h = 0, w = 0, cin = 0] = dy!.shape;
    const [ho, wo, cout] = [h - 2, w - 2, inputs.g00!.shape[3]!];
    const rows = n * ho;
    const parts = simd.parts(4 * rows, ROW_CHUNKS_PER_THREAD, 4 * rows * wo * 4 * cin * cout);
    const perPhase = Math.max(1, Math.floor(parts / QUARTERS.length));
    const [dp, op] = [simd.offset(dy!), simd.offset(out)];
    const chunks = QUARTERS.flatMap((name, k) => {
      const [r, s] = [k >> 1, k & 1];
      // Phase (r, s) is output pixel (2a + 1 - r, 2b + 1 - s); its window over the padded dy
      // starts at row a (r = 1) or a + 1 (r = 0), and so for the columns.
      const at = op + 4 * ((1 - r) * 2 * wo + (1 - s)) * cout;
      const fp = simd.offset(inputs[name]!);
      return splitRange(0, rows, perPhase).map(([first, last]) => [
        ...[dp, fp, 0, at, first, last, h, w, cin, ho, wo, cout],
        ...[2, 2, 1, r - 1, s - 1, 0, 0, 2 * cout, 4 * wo * cout, 4 * ho * wo * cout],
      ]);
    });
    simd.call('conv2d', chunks);
  },
);

/**
 * dx [N, 2 Ho, 2 Wo, Cin] from dy [N, Ho, Wo, Cout] and the four [2, 2, Cout, Cin] quarters of
 * the flipped filter (G_00, G_01, G_10, G_11); null where the kernel does not run (not wasm,
 * no SIMD, Cin off the kernel's block of 8).
 */
export function subPixelGradientSimd(dy: Tensor4D, quarters: readonly Tensor4D[]): Tensor4D | null {
  const [g00, g01, g10, g11] = quarters;
  if (!g00 || !g01 || !g10 || !g11 || g00.shape[3] % OUT_BLOCK !== 0 || currentSimd() === null) return null;
  const padded = tf.pad(dy, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  try {
    return runSimdKernel<Tensor4D>(KERNEL, { dy: padded, g00, g01, g10, g11 }, {});
  } finally {
    padded.dispose();
  }
}
