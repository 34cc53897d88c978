/**
 * One convolutional layer of the network: the padded convolution, its bias and its activation.
 *
 * Forward it is one FusedConv2D kernel on every backend (conv, bias and activation in one pass;
 * on wasm XNNPACK adds the bias in the convolution and the activation runs over its output
 * once). tf.fused.conv2d would fall back to three separate kernels whenever gradients are being
 * recorded (it has no gradient for LeakyReLU), which is always, in training and projection;
 * here the kernel is called directly and the gradients are written out:
 *  - the activation's from the layer's output y: LeakyReLU's slope is 1 where y > 0 (exactly
 *    where its input was) and LEAK elsewhere, one Step kernel; the sigmoid's is y (1 - y); on
 *    wasm either is one kernel (kernels/activation.ts);
 *  - the bias's, the sum over batch, rows and columns;
 *  - the convolution's by the backend's strategy (conv.ts).
 * Measured on wasm (Node, batch 16): conv + bias Add + LeakyRelu at 64 px, 32 -> 16 channels,
 * 37 ms against 24 ms fused (the conv alone 18 ms); LeakyReLU's gradient 3.5 to 19 ms as
 * tfjs's Greater + Select + Multiply, under 1 ms as Step + Multiply.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import { activationGradSimd, leakyReluSimd } from '../kernels/activation';
import { channelSumsSimd } from '../kernels/channel-sums';
import { conv2dSimd } from '../kernels/conv2d';
import { upsampledConvSimd } from '../kernels/sub-pixel';
import { convStrategyFor, filterGradient, inputGradient, padSpatial, type ConvStrategy } from './conv';
import type { KeptWeights } from './kept-weights';
import { gradientFilter, phaseFilters, upsampledFilterGradient, upsampledInputGradient } from './upsampled';

export type Activation = 'linear' | 'leakyrelu' | 'sigmoid';

/** LeakyReLU's slope below zero. */
export const LEAK = 0.2;

export interface ConvLayerSpec {
  stride: number;
  /** Symmetric zero padding, pixels on each side. */
  pad: number;
  activation: Activation;
  /**
   * x is upsampled 2x (nearest) before the 3 x 3 convolution, computed on x itself
   * (upsampled.ts); only where upsampledConvApplies said so.
   */
  upsampled?: boolean;
}

/** A layer as the network calls it: x [N, H, W, Cin], filter [k, k, Cin, Cout], bias [Cout]. */
export type ConvLayerFn = (x: Tensor4D, filter: Tensor4D, bias: Tensor1D, spec: ConvLayerSpec) => Tensor4D;

/**
 * The fused forward. On wasm the SIMD kernel (kernels/conv2d.ts) where it applies, else
 * XNNPACK's, both padding inside the kernel (the SIMD kernel copies rows narrower than 32 px
 * padded); elsewhere the measured route is kept, an explicit Pad and a 'valid' conv.
 */
function fusedForward(x: Tensor4D, filter: Tensor4D, bias: Tensor1D, spec: ConvLayerSpec, strategy: ConvStrategy): Tensor4D {
  const padsInConv = strategy === 'conv';
  if (padsInConv) {
    const { pad, stride, activation } = spec;
    const simd = conv2dSimd(x, filter, bias, stride, [pad, pad, pad, pad], activation, LEAK);
    if (simd !== null) return simd;
  }
  const attrs = {
    strides: spec.stride,
    pad: padsInConv ? spec.pad : 'valid',
    dataFormat: 'NHWC',
    dilations: 1,
    dimRoundingMode: 'floor',
    activation: spec.activation,
    leakyreluAlpha: LEAK,
  };
  const input = padsInConv ? x : padSpatial(x, spec.pad);
  return tf.engine().runKernel(tf.FusedConv2D, { x: input, filter, bias }, attrs) as Tensor4D;
}

/** The upsampled layer's forward from its phase filters (LeakyReLU or linear, as the decoder's levels are). */
function upsampledForward(x: Tensor4D, phases: readonly Tensor4D[], bias: Tensor1D, spec: ConvLayerSpec): Tensor4D {
  if (spec.activation === 'sigmoid') throw new Error('an upsampled layer is LeakyReLU or linear');
  const y = upsampledConvSimd(x, phases, bias, spec.activation === 'leakyrelu' ? LEAK : null);
  if (y === null) throw new Error('the upsampled layer ran where the SIMD kernels do not');
  return y;
}

/** The gradient before the activation, from the gradient after it and the layer's output y. */
export function activationGrad<T extends Tensor>(dy: T, y: T, activation: Activation): T {
  if (activation === 'linear') return dy;
  // One pass on wasm (kernels/activation.ts).
  const simd = activationGradSimd(dy, y, activation, LEAK);
  if (simd !== null) return simd;
  return activation === 'leakyrelu' ? tf.mul(dy, tf.step(y, LEAK)) : tf.mul(dy, tf.mul(y, tf.sub(1, y)));
}

/**
 * LeakyReLU (slope LEAK) with its gradient from its output (one Step, or one kernel on wasm)
 * instead of tfjs's Greater + Select + Multiply on its input: the dense decoder's activation.
 */
const leakyReluOp = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [Tensor, tf.GradSaveFunc];
  const value = leakyReluSimd(x, LEAK) ?? tf.leakyRelu(x, LEAK);
  save([value]);
  return { value, gradFunc: (dy: Tensor, [y]: Tensor[]) => activationGrad(dy, y!, 'leakyrelu') };
});

export function leakyRelu<T extends Tensor>(x: T): T {
  return leakyReluOp(x) as T;
}

/** A layer with its gradient strategy; by default the one for the backend of the moment. */
type LayerWithStrategy = (x: Tensor4D, filter: Tensor4D, bias: Tensor1D, spec: ConvLayerSpec, strategy?: ConvStrategy) => Tensor4D;

const currentStrategy = (): ConvStrategy => convStrategyFor(tf.getBackend());

/** The layer for training: gradients with respect to x, the filter and the bias. */
export const trainingConvLayer: LayerWithStrategy = (x, filter, bias, spec, strategy = currentStrategy()) => {
  if (spec.upsampled) return trainingUpsampledLayer(x, filter, bias, spec);
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xi, f, b, save] = args as [Tensor4D, Tensor4D, Tensor1D, tf.GradSaveFunc];
    const value = fusedForward(xi, f, b, spec, strategy);
    save([xi, f, value]);
    const gradFunc = (dy: Tensor4D, saved: Tensor[]): Tensor[] =>
      tf.tidy(() => {
        const [sx, sf, sy] = saved as [Tensor4D, Tensor4D, Tensor4D];
        const dPre = activationGrad(dy, sy, spec.activation);
        return [inputGradient(strategy, dPre, sf, sx.shape, spec.stride, spec.pad), ...weightGradients(sx, sf, dPre, spec, strategy)];
      });
    return { value, gradFunc };
  });
  return tf.tidy(() => op(x, filter, bias) as Tensor4D);
};

/** trainingConvLayer for a decoder level computed on its input before the upsampling (upsampled.ts). */
function trainingUpsampledLayer(x: Tensor4D, filter: Tensor4D, bias: Tensor1D, spec: ConvLayerSpec): Tensor4D {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xi, f, b, save] = args as [Tensor4D, Tensor4D, Tensor1D, tf.GradSaveFunc];
    const phases = phaseFilters(f);
    const value = upsampledForward(xi, phases, b, spec);
    tf.dispose(phases);
    save([xi, f, value]);
    const gradFunc = (dy: Tensor4D, saved: Tensor[]): Tensor[] =>
      tf.tidy(() => {
        const [sx, sf, sy] = saved as [Tensor4D, Tensor4D, Tensor4D];
        const dPre = activationGrad(dy, sy, spec.activation);
        const dBias = channelSumsSimd(dPre) ?? tf.sum(dPre, [0, 1, 2]);
        return [upsampledInputGradient(dPre, gradientFilter(sf)), upsampledFilterGradient(sx, dPre), dBias];
      });
    return { value, gradFunc };
  });
  return tf.tidy(() => op(x, filter, bias) as Tensor4D);
}

/** The filter's and the bias's gradients from the gradient before the activation. */
function weightGradients(x: Tensor4D, filter: Tensor4D, dPre: Tensor4D, spec: ConvLayerSpec, strategy: ConvStrategy): [Tensor4D, Tensor1D] {
  const [kh, kw] = filter.shape;
  return [filterGradient(strategy, x, dPre, kh, kw, spec.stride, spec.pad), channelSumsSimd(dPre) ?? tf.sum(dPre, [0, 1, 2])];
}

/**
 * The first layer of training, whose input is the images: gradients with respect to the filter
 * and the bias only (x is a constant to tf.grad, not an input of the custom gradient), so the
 * input gradient nobody uses is never computed (on wasm at 64 px, batch 16: four convolutions
 * and the stacking of their phases, about 9 ms of a 310 ms step). A gradient asked for x
 * throws (tfjs finds no path to it) rather than coming back as zeros.
 */
export const trainingInputLayer: LayerWithStrategy = (x, filter, bias, spec, strategy = currentStrategy()) => {
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [f, b, save] = args as [Tensor4D, Tensor1D, tf.GradSaveFunc];
    const value = fusedForward(x, f, b, spec, strategy);
    // x too: it may be a tensor the recorded function made, freed before the backward pass.
    save([x, f, value]);
    const gradFunc = (dy: Tensor4D, saved: Tensor[]): Tensor[] =>
      tf.tidy(() => {
        const [sx, sf, sy] = saved as [Tensor4D, Tensor4D, Tensor4D];
        return weightGradients(sx, sf, activationGrad(dy, sy, spec.activation), spec, strategy);
      });
    return { value, gradFunc };
  });
  return tf.tidy(() => op(filter, bias) as Tensor4D);
};

/**
 * The layer for the projection: differentiable with respect to x only; the filter and the bias
 * are constants to tf.grad (tf.customGrad computes every input's gradient, so they are not
 * inputs), and no filter gradient is ever computed. The filters its input gradients use
 * (flipped, or the sub-pixel filters) are made once per filter value and kept in `kept`: a projection
 * runs the same layers step after step.
 */
export function projectionConvLayer(kept: KeptWeights): LayerWithStrategy {
  return (x, filter, bias, spec, strategy = currentStrategy()) => {
    const up = spec.upsampled === true;
    const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const [xi, save] = args as [Tensor4D, tf.GradSaveFunc];
      const value = up ? upsampledForward(xi, kept.of(filter, 'phases', (f) => phaseFilters(f as Tensor4D)), bias, spec) : fusedForward(xi, filter, bias, spec, strategy);
      save([value]);
      const gradFunc = (dy: Tensor4D, saved: Tensor[]): Tensor =>
        tf.tidy(() => {
          const dPre = activationGrad(dy, saved[0] as Tensor4D, spec.activation);
          if (up) return upsampledInputGradient(dPre, kept.of(filter, 'upsampled-gradient', (f) => gradientFilter(f as Tensor4D)));
          return inputGradient(strategy, dPre, filter, xi.shape, spec.stride, spec.pad, kept);
        });
      return { value, gradFunc };
    });
    return tf.tidy(() => op(x) as Tensor4D);
  };
}
