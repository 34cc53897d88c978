/**
 * A projection step's update after its backward pass (simd-kernels.wat's projectionUpdate) as one
 * tfjs kernel on the wasm backend: the L1 term's gradient lambda sign(x - x0), the weighting by
 * the squared residual (and the calibrated gain), the step and the clip to [0, 1], and each
 * image's sum of |x - x0| for its energy. In tfjs's ops that is a dozen elementwise kernels, each
 * a pass over the batch's pixels: at 16 images of 64 px, about 3 ms of a 43 ms step in Node
 * (tfjs-wasm's Sign alone 1.3 ms).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorMap, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { ProjectionSettings } from '../types';
import { currentSimd, registerSimdKernelOutputs } from './simd-module';
import { splitRange } from './simd-pool';

const KERNEL = 'ProjectionUpdateSimd';
/** Chunks per thread where helpers share the batch's images. */
const CHUNKS_PER_THREAD = 2;

interface UpdateAttrs {
  alpha: number;
  lambda: number;
  weighted: boolean;
}

registerSimdKernelOutputs<UpdateAttrs>(
  KERNEL,
  ({ x }) => [[...x!.shape], [x!.shape[0]!]],
  (simd, { x, x0, grad, residual, gain }, [next, l1], { alpha, lambda, weighted }) => {
    const [n = 0, ...image] = x!.shape;
    const per = tf.util.sizeFromShape(image);
    const at = [x!, x0!, grad!, residual!].map((t) => simd.offset(t));
    const gainAt = gain === undefined ? 0 : simd.offset(gain);
    // About a dozen operations a value.
    const parts = simd.parts(n, CHUNKS_PER_THREAD, 12 * n * per);
    const chunks = splitRange(0, n, parts).map(([first, last]) => [...at, gainAt, simd.offset(next!), simd.offset(l1!), per, first, last, alpha, lambda, weighted ? 1 : 0]);
    simd.call('projectionUpdate', chunks);
  },
);

/**
 * x_{t+1} = clip(x - alpha (grad + lambda sign(x - x0)) w, 0, 1), w the squared residual (over
 * gain, [1, H, W, C], for the calibrated variant) or 1 (plain), and each image's sum of
 * |x - x0| [N]; grad and residual are the reconstruction term's. Null where the kernel does not
 * run (not wasm, no SIMD, another dtype, a gain of another size).
 */
export function projectionUpdateSimd(
  x: Tensor4D,
  x0: Tensor4D,
  grad: Tensor4D,
  residual: Tensor4D,
  gain: Tensor4D | undefined,
  s: Pick<ProjectionSettings, 'alpha' | 'lambda' | 'variant'>,
): { next: Tensor4D; l1: Tensor1D } | null {
  const inputs: NamedTensorMap = gain === undefined ? { x, x0, grad, residual } : { x, x0, grad, residual, gain };
  if (currentSimd() === null || Object.values(inputs).some((t) => t.dtype !== 'float32')) return null;
  if ([x0, grad, residual].some((t) => t.size !== x.size) || (gain !== undefined && gain.size * x.shape[0] !== x.size)) return null;
  const attrs: UpdateAttrs = { alpha: s.alpha, lambda: s.lambda, weighted: s.variant !== 'plain' };
  const [next, l1] = tf.engine().runKernel(KERNEL, inputs, attrs as unknown as NamedAttrMap) as unknown as [Tensor4D, Tensor1D];
  return { next, l1 };
}
