/**
 * The dense layers' matrix products, by the fastest route each backend has. On wasm
 * (tfjs-backend-wasm 4.22) a product runs on XNNPACK only without transpose flags; with one it
 * is a plain scalar loop, whose cost grows with the rows and the stride it reads at. XNNPACK
 * packs the second operand ("the weights") once per tensor and keeps the packed copy for as long
 * as that tensor lives. In training W changes every step, so:
 *  - the forward x W packs W (about 6.5 ms for the app's 8192 x 256 layers) from batch
 *    PACK_FROM_BATCH on, and below it takes (W^T x^T)^T, the scalar loop, which costs about
 *    one packing per 3 to 4 rows (batch 4: 6.8 against 7.8 ms; 16: 8.8 against 27.7; 1: 6.6
 *    against 2.5);
 *  - dx = dy W^T as (W dy^T)^T: W read as it is, the small dy^T packed (1.1 to 3.2 ms against
 *    6 to 23 ms for dy times W with the transpose flag);
 *  - dW = transpose(x) dy (the transposed x is small).
 * In a projection W stays the same for every step: the plain x W reuses its packed W (Node,
 * batch 1: 0.26 ms against 2.5 ms; batch 16: 2.1 against 29 ms), dx a plain product with a
 * kept W^T. Elsewhere tf.matMul's own route is kept (transposes are free flags on GPUs).
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { denseFilterGradientSimd, denseForwardSimd, denseInputGradientSimd } from '../kernels/dense';
import { convStrategyFor } from './conv';
import type { KeptWeights } from './kept-weights';

export type MatMulFn = (x: Tensor2D, w: Tensor2D) => Tensor2D;

/** x W as (W^T x^T)^T: the same values, tfjs's gradients (only the ones asked for are computed). */
function matMulByWeightRows(x: Tensor2D, w: Tensor2D): Tensor2D {
  return tf.transpose(tf.matMul(w, x, true, true)) as Tensor2D;
}

/** From this batch on, the training forward packs W rather than taking the scalar loop (see above). */
export const PACK_FROM_BATCH = 4;

/**
 * The weight gradients of dense layers left to the optimizer: while `begin(weights)` holds, a
 * training product x W of one of those weights keeps its x and dy instead of computing x^T dy,
 * and the optimizer takes the step from them in one pass (kernels/adam.ts DenseAdamSimd: for the
 * app's model the gradient was written out and read back, 8 MB each way, for each of its three
 * large layers). The weights must then be left out of the variables differentiated: tfjs only
 * asks for the gradients it needs, and the one returned for such a weight is a placeholder.
 */
export class DeferredDenseGradients {
  private readonly wanted = new Set<Tensor>();
  private readonly kept = new Map<Tensor, { x: Tensor2D; dy: Tensor2D }>();

  /** From now until end(), the gradients of `weights` are kept as (x, dy). */
  begin(weights: readonly Tensor[]): void {
    this.dispose();
    weights.forEach((w) => this.wanted.add(w));
  }

  /** Whether w's gradient is deferred now. */
  wants(w: Tensor): boolean {
    return this.wanted.has(w);
  }

  /** Keeps (x, dy) for w: the gradient x^T dy of one use of w (a weight used twice is an error). */
  record(w: Tensor, x: Tensor2D, dy: Tensor2D): void {
    if (this.kept.has(w)) throw new Error('A deferred dense weight was used twice in one step.');
    this.kept.set(w, { x: tf.keep(x.clone()), dy: tf.keep(dy.clone()) });
  }

  /** The (x, dy) kept since begin(), each weight's; ends the deferral. The caller disposes them. */
  end(): Map<Tensor, { x: Tensor2D; dy: Tensor2D }> {
    const kept = new Map(this.kept);
    this.kept.clear();
    this.wanted.clear();
    return kept;
  }

  /** Ends the deferral and frees what it kept. */
  dispose(): void {
    this.end().forEach(({ x, dy }) => tf.dispose([x, dy]));
  }
}

/**
 * x W for training, with the gradients of x and W: with the engine's SIMD kernels
 * (kernels/dense.ts) each product streams W or dW once; else on XNNPACK dx = (W dy^T)^T and
 * dW = transpose(x) dy. A weight whose gradient `deferred` wants gets (x, dy) recorded there
 * instead of dW.
 */
export function trainingMatMul(deferred?: DeferredDenseGradients): MatMulFn {
  // Made once: customGrad hands the forward function the tensors given, so `w` is the weight itself.
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = args as [Tensor2D, Tensor2D, tf.GradSaveFunc];
    save([x, w]);
    const value = denseForwardSimd(x, w) ?? (x.shape[0] >= PACK_FROM_BATCH ? (tf.matMul(x, w) as Tensor2D) : matMulByWeightRows(x, w));
    const gradFunc = (dy: Tensor2D, saved: Tensor[]): Tensor[] => {
      const [sx, sw] = saved as [Tensor2D, Tensor2D];
      const dx = denseInputGradientSimd(dy, sw) ?? tf.transpose(tf.matMul(sw, tf.transpose(dy)));
      if (deferred?.wants(w) === true) {
        deferred.record(w, sx, dy);
        return [dx, tf.scalar(0)];
      }
      return [dx, denseFilterGradientSimd(sx, dy) ?? tf.matMul(tf.transpose(sx), dy)];
    };
    return { value, gradFunc };
  });
  return (x, w) => {
    if (convStrategyFor(tf.getBackend()) !== 'conv') return tf.matMul(x, w);
    return tf.tidy(() => op(x, w) as Tensor2D);
  };
}

/**
 * x [B, K] times w [K, N] for the projection (a gradient with respect to x only). On wasm the
 * plain x W, whose packed W is kept from step to step, and dx = dy W^T as a plain product with
 * the kept W^T (dy times W with the transpose flag packs W anew every call: batch 16, 8192 x
 * 256, 24 to 26 ms against 2.0 to 3.6 ms). Elsewhere tf.matMul and its own gradient.
 */
export function projectionMatMul(kept: KeptWeights): MatMulFn {
  return (x, w) => {
    if (convStrategyFor(tf.getBackend()) !== 'conv') return tf.matMul(x, w);
    const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const xi = args[0] as Tensor2D;
      return { value: tf.matMul(xi, w) as Tensor2D, gradFunc: (dy: Tensor2D) => tf.matMul(dy, kept.of(w, 'transposed', (t) => tf.transpose(t))) };
    });
    return tf.tidy(() => op(x) as Tensor2D);
  };
}
