/**
 * The decoder's levels, a nearest 2x upsampling of x [N, H, W, Cin] followed by a 3 x 3 convolution
 * (pad 1) with filter W [3, 3, Cin, Cout], computed on x itself, with 4/9 of the multiply-adds:
 *  - forward: output pixel (2a + r, 2b + s) sees only x's rows a - 1 + r .. a + r and the same
 *    columns, so each of the four phases (r, s) is a 2 x 2 convolution of x whose taps are sums
 *    of W's (phaseFilters): rows {0}, {1, 2} for r = 0 and {0, 1}, {2} for r = 1;
 *  - input gradient: dx[a, b] takes dy's rows 2a - 1 .. 2a + 2, a stride-2 4 x 4 convolution of
 *    dy with taps summed the other way (gradientFilter): rows {2}, {1, 2}, {0, 1}, {0};
 *  - filter gradient: that 4 x 4 convolution's filter gradient (dy as its input, x as its output
 *    gradient), folded back onto W's 3 x 3 taps (FOLD_TAPS): rows {2, 3}, {1, 2}, {0, 1}.
 * The forward runs on kernels/sub-pixel.ts's upsampledConvSimd from phaseFilters. Where the
 * engine's SIMD kernels run (wasm) and the channels fit their blocks; elsewhere the decoder
 * upsamples and convolves as written (vae.ts).
 */
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { conv2dSimd } from '../kernels/conv2d';
import { filterGradientSimd } from '../kernels/filter-gradient';
import { currentSimd } from '../kernels/simd-module';
import { summedTaps, tapSource, type TapSets } from './filter-taps';

/** The kernels' output block: the forward's Cout and the input gradient's Cin a multiple of it. */
const BLOCK = 8;

/** Whether a decoder level with input x and filter [3, 3, Cin, Cout] runs on x itself (upsampledConv*). */
export function upsampledConvApplies(x: Tensor4D, filter: Tensor4D, onWasmConv: boolean): boolean {
  const [kh, kw, cin, cout] = filter.shape;
  return onWasmConv && kh === 3 && kw === 3 && cin === x.shape[3] && cin % BLOCK === 0 && cout % BLOCK === 0 && currentSimd() !== null;
}

/** Forward phases: r = 0 rows {0}, {1, 2}; r = 1 rows {0, 1}, {2}. */
const PHASE_TAPS: readonly TapSets[] = [
  [[0], [1, 2]],
  [[0, 1], [2]],
];
/** The input gradient's 4 x 4 filter, per row m of the window over dy. */
const GRADIENT_TAPS: TapSets = [[2], [1, 2], [0, 1], [0]];
/** Per tap i of W, the rows m of the 4 x 4 filter gradient that sum into it. */
const FOLD_TAPS: TapSets = [
  [2, 3],
  [1, 2],
  [0, 1],
];

/** The four [2, 2, Cin, Cout] phase filters of W [3, 3, Cin, Cout], in the order (0, 0), (0, 1), (1, 0), (1, 1). */
export function phaseFilters(filter: Tensor4D): Tensor4D[] {
  const source = tapSource(filter, false);
  return [0, 1].flatMap((r) => [0, 1].map((s) => summedTaps(source, PHASE_TAPS[r]!, PHASE_TAPS[s]!)));
}

/** The input gradient's [4, 4, Cout, Cin] filter of W [3, 3, Cin, Cout]. */
export function gradientFilter(filter: Tensor4D): Tensor4D {
  return summedTaps(tapSource(filter, true), GRADIENT_TAPS, GRADIENT_TAPS);
}

/** dx [N, H, W, Cin] from dPre [N, 2H, 2W, Cout] (the gradient before the activation) and gradientFilter(W). */
export function upsampledInputGradient(dPre: Tensor4D, gradFilter: Tensor4D): Tensor4D {
  const dx = conv2dSimd(dPre, gradFilter, null, 2, [1, 1, 1, 1], 'linear');
  if (dx === null) throw new Error('the upsampled layer ran where the SIMD convolution does not');
  return dx;
}

/** dW [3, 3, Cin, Cout] from x [N, H, W, Cin] and dPre [N, 2H, 2W, Cout]. */
export function upsampledFilterGradient(x: Tensor4D, dPre: Tensor4D): Tensor4D {
  const g = filterGradientSimd(dPre, x, 4, 4, 2, 1);
  if (g === null) throw new Error('the upsampled layer ran where the SIMD filter gradient does not');
  try {
    return summedTaps(tapSource(g, true), FOLD_TAPS, FOLD_TAPS);
  } finally {
    g.dispose();
  }
}
