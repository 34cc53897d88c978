/**
 * Four stride-1 2 x 2 convolutions of one input, one per phase (r, s) of the output's rows and
 * columns, each written by simd-kernels.wat's conv2d straight into its pixels of an output
 * twice the input's size (every second pixel of every second row): one tfjs kernel on the wasm
 * backend, the four phases in one call shared out over the helpers, the input padded once for
 * all four. Two layers of the network are such convolutions:
 *  - the input gradient of the encoder's kernel-4, stride-2 layers (subPixelGradientSimd): phase
 *    (r, s) is output pixel (2a + 1 - r, 2b + 1 - s); no stacking of the phases (tfjs-wasm's
 *    Pack: 5 to 9 ms of a 64 px training step);
 *  - the decoder's nearest 2x upsampling followed by a 3 x 3 convolution (upsampledConvSimd):
 *    phase (r, s) is output pixel (2a + r, 2b + s), with the bias and LeakyReLU; 4 taps an
 *    output where the 3 x 3 convolution of the upsampled map has 9 (model/upsampled.ts).
 */
import '../tf-setup';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { OUT_BLOCK, ROW_CHUNKS_PER_THREAD } from './conv2d';
import { padSides } from './pad';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';
import { splitRange } from './simd-pool';

const KERNEL = 'PhaseConvSimd';
/** The quarters' input names, in the order G_00, G_01, G_10, G_11 (phase r of the rows, s of the columns). */
const QUARTERS = ['g00', 'g01', 'g10', 'g11'] as const;

interface Attrs {
  /**
   * 1: phase r is output row 2a + 1 - r, its 2-row window from the padded input's row a + 1 - r
   * (the encoder's gradient); 0: output row 2a + r, window from padded row a + r (the decoder).
   */
  mirror: number;
  leaky: number;
  alpha: number;
}

registerSimdKernel<Attrs>(
  KERNEL,
  ({ x, g00 }) => [x!.shape[0]!, 2 * (x!.shape[1]! - 2), 2 * (x!.shape[2]! - 2), g00!.shape[3]!],
  (simd, inputs, out, { mirror, leaky, alpha }) => {
    const { x, bias } = inputs;
    const [n = 0, h = 0, w = 0, cin = 0] = x!.shape;
    const [ho, wo, cout] = [h - 2, w - 2, inputs.g00!.shape[3]!];
    const rows = n * ho;
    const parts = simd.parts(4 * rows, ROW_CHUNKS_PER_THREAD, 4 * rows * wo * 4 * cin * cout);
    const perPhase = Math.max(1, Math.floor(parts / QUARTERS.length));
    const [xp, op, bp] = [simd.offset(x!), simd.offset(out), bias === undefined ? 0 : simd.offset(bias)];
    const chunks = QUARTERS.flatMap((name, k) => {
      const [r, s] = [k >> 1, k & 1];
      const [row, col] = mirror ? [1 - r, 1 - s] : [r, s];
      // The kernel's window starts at padded row a - padTop: a + 1 - r mirrored, a + r not.
      const [padTop, padLeft] = mirror ? [r - 1, s - 1] : [-r, -s];
      const at = op + 4 * (row * 2 * wo + col) * cout;
      const fp = simd.offset(inputs[name]!);
      return splitRange(0, rows, perPhase).map(([first, last]) => [
        ...[xp, fp, bp, at, first, last, h, w, cin, ho, wo, cout],
        ...[2, 2, 1, padTop, padLeft, leaky, alpha, 2 * cout, 4 * wo * cout, 4 * ho * wo * cout],
      ]);
    });
    simd.call('conv2d', chunks);
  },
);

function phaseConv(x: Tensor4D, quarters: readonly Tensor4D[], bias: Tensor1D | null, attrs: Attrs): Tensor4D | null {
  const [g00, g01, g10, g11] = quarters;
  if (!g00 || !g01 || !g10 || !g11 || g00.shape[3] % OUT_BLOCK !== 0 || currentSimd() === null) return null;
  const padded = padSides(x, 1, 1, 1, 1);
  try {
    return runSimdKernel<Tensor4D>(KERNEL, bias ? { x: padded, g00, g01, g10, g11, bias } : { x: padded, g00, g01, g10, g11 }, attrs);
  } finally {
    padded.dispose();
  }
}

/**
 * dx [N, 2 Ho, 2 Wo, Cin] from dy [N, Ho, Wo, Cout] and the four [2, 2, Cout, Cin] quarters of
 * the flipped filter (G_00, G_01, G_10, G_11); null where the kernel does not run (not wasm,
 * no SIMD, Cin off the kernel's block of 8).
 */
export function subPixelGradientSimd(dy: Tensor4D, quarters: readonly Tensor4D[]): Tensor4D | null {
  return phaseConv(dy, quarters, null, { mirror: 1, leaky: 0, alpha: 0 });
}

/**
 * act(conv3x3(upsample2x(x)) + bias) [N, 2H, 2W, Cout] from x [N, H, W, Cin] and the four
 * [2, 2, Cin, Cout] phase filters (model/upsampled.ts); LeakyReLU with slope `alpha` or linear.
 * Null where the kernel does not run (not wasm, no SIMD, Cout off the kernel's block of 8).
 */
export function upsampledConvSimd(x: Tensor4D, phases: readonly Tensor4D[], bias: Tensor1D, leakyAlpha: number | null): Tensor4D | null {
  return phaseConv(x, phases, bias, { mirror: 0, leaky: leakyAlpha === null ? 0 : 1, alpha: leakyAlpha ?? 0 });
}
