/**
 * The filter gradient of a 2-D convolution as one tfjs kernel on the wasm backend, computed by
 * conv-simd.wat's filterGradient in place on tfjs's tensors (tfjs-backend-wasm 4.22 has no
 * Conv2DBackpropFilter). It replaces the route through XNNPACK's forward convolution
 * (conv.ts, filterGradConv), which transposes x and dy and packs dy as a filter on every call,
 * and contracts over as few floats a tap as the batch has images. Node, one thread, batch 16:
 * x [16, 64, 64, 32] with a 3 x 3 filter, 34 -> 12 ms (about 18 -> 48 GFLOP/s).
 */
import '../tf-setup';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { currentSimd, registerSimdKernel, runSimdKernel } from './simd-module';
import { FILTER_C_BLOCK } from './simd-pool';

const KERNEL = 'Conv2DFilterGradientSimd';
/** The kernel's register block: input channels a multiple of FILTER_C_BLOCK, output channels of this. */
const OUT_BLOCK = 8;

interface Attrs {
  kh: number;
  kw: number;
  stride: number;
  padTop: number;
  padLeft: number;
}

registerSimdKernel<Attrs>(
  KERNEL,
  ({ x, dy }, { kh, kw }) => [kh, kw, x!.shape[3]!, dy!.shape[3]!],
  (simd, { x, dy }, out, { kh, kw, stride, padTop, padLeft }) => {
    const [n = 0, h = 0, w = 0, cin = 0] = x!.shape;
    const [, ho = 0, wo = 0, cout = 0] = dy!.shape;
    simd.call('filterGradient', simd.offset(x!), simd.offset(dy!), simd.offset(out), n, h, w, cin, ho, wo, cout, kh, kw, stride, padTop, padLeft, 0, cin);
  },
);

/**
 * dF [kh, kw, Cin, Cout] of the convolution of x [N, H, W, Cin], zero-padded by `pad` on every
 * side, with stride `stride`, whose output gradient is dy [N, Ho, Wo, Cout]; null where the
 * kernel does not apply (not wasm, no SIMD, or channel counts off its register block).
 */
export function filterGradientSimd(x: Tensor4D, dy: Tensor4D, kh: number, kw: number, stride: number, pad: number): Tensor4D | null {
  if (x.shape[3] % FILTER_C_BLOCK !== 0 || dy.shape[3] % OUT_BLOCK !== 0 || currentSimd() === null) return null;
  const attrs: Attrs = { kh, kw, stride, padTop: pad, padLeft: pad };
  return runSimdKernel<Tensor4D>(KERNEL, { x, dy }, attrs);
}
