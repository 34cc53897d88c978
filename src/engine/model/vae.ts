/**
 * The convolutional VAE, built from one VaeConfig.
 *
 * Encoder: `depth` conv layers (kernel 4, stride 2, pad 1, filters width * 2^l,
 * capped at 8 * width, LeakyReLU 0.2), then the bottleneck to mu and logVar:
 *   dense    flatten, dense layers to [N, latent];
 *   spatial  3x3 convs to `latent` channels on the b x b smallest map (b = size / 2^depth),
 *            flattened to [N, b * b * latent] (latentDim).
 * Decoder: the bottleneck back to [b, b, top filters] (dense + reshape, or a 3x3 conv) with
 * LeakyReLU, then per level a nearest 2x upsampling and a 3x3 conv + LeakyReLU (on wasm
 * computed on the map before its upsampling, upsampled.ts: the same function, 4/9 of the
 * multiply-adds), and a final 3x3 conv to `channels` with a sigmoid.
 * The spatial bottleneck is translation-equivariant: a texture or a grid at any offset costs
 * the same code, which the dense one must learn offset by offset from few images.
 * Only ops with kernels (and gradient kernels) on cpu, wasm, webgl and webgpu.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';
import type { VaeConfig } from '../types';
import type { Vae } from './autoencoder';
import { leakyRelu, projectionConvLayer, trainingConvLayer, trainingInputLayer, type Activation, type ConvLayerFn } from './layer';
import { DeferredDenseGradients, projectionMatMul, trainingMatMul, type MatMulFn } from './dense';
import { KeptWeights } from './kept-weights';
import { convStrategyFor } from './conv';
import { upsampledConvApplies } from './upsampled';
import { mulberry32 } from '../data/random';
import { initValues, sizeOf, type WeightSpec } from './init';

const MAX_DEPTH = 5;

type WeightOf = (name: string) => Variable;

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function fail(message: string): never {
  throw new EngineError('invalid-argument', message);
}

/** Throws EngineError 'invalid-argument' with a sentence naming the bad field. */
export function validateConfig(config: VaeConfig): void {
  const { size, channels, latent, width, depth } = config;
  if (!isInt(size, 16, 256) || (size & (size - 1)) !== 0) fail(`Image size must be a power of two from 16 to 256, got ${size}.`);
  if (channels !== 1 && channels !== 3) fail(`Channels must be 1 or 3, got ${String(channels)}.`);
  if (!isInt(latent, 2, 4096)) fail(`Latent size must be a whole number from 2 to 4096, got ${latent}.`);
  if (!isInt(width, 2, 512)) fail(`Width must be a whole number from 2 to 512, got ${width}.`);
  const maxDepth = Math.log2(size) - 1;
  if (depth !== undefined && !isInt(depth, 1, maxDepth)) {
    fail(`Depth must be a whole number from 1 to ${maxDepth} at size ${size}, got ${depth}.`);
  }
  if (config.bottleneck !== undefined && config.bottleneck !== 'dense' && config.bottleneck !== 'spatial') {
    fail(`The bottleneck must be dense or spatial, got ${String(config.bottleneck)}.`);
  }
  validateReconstruction(config.reconstruction);
}

function validateReconstruction(term: VaeConfig['reconstruction']): void {
  if (term === undefined) return;
  if (!['l2', 'l1', 'ssim', 'mix'].includes(term.kind)) fail(`The reconstruction term must be l2, l1, ssim or mix, got ${String(term.kind)}.`);
  if (term.window !== undefined && term.window !== 7 && term.window !== 11) fail(`The SSIM window must be 7 or 11, got ${String(term.window)}.`);
  if (term.on !== undefined && term.on !== 'channels' && term.on !== 'luma') fail(`SSIM works on channels or luma, got ${String(term.on)}.`);
  const w = term.ssimWeight;
  if (w !== undefined && !(typeof w === 'number' && w >= 0 && w <= 1)) fail(`The SSIM weight of the mix must be from 0 to 1, got ${String(w)}.`);
}

/** Stride-2 layers: config.depth, else log2(size) - 2 capped at 5 (16 -> 2, 32 -> 3, 64 -> 4, 128 and 256 -> 5). */
export function resolveDepth(config: VaeConfig): number {
  return config.depth ?? Math.min(Math.log2(config.size) - 2, MAX_DEPTH);
}

/** Filters of encoder layer l (and of decoder level l). */
function filtersAt(config: VaeConfig, l: number): number {
  return config.width * 2 ** Math.min(l, 3);
}

/** Length of the latent vector z: `latent`, or with a spatial bottleneck `latent` channels per cell of the smallest map. */
export function latentDim(config: VaeConfig): number {
  return config.bottleneck === 'spatial' ? bottomSize(config) ** 2 * config.latent : config.latent;
}

/** Side length of the smallest feature map. */
function bottomSize(config: VaeConfig): number {
  return config.size / 2 ** resolveDepth(config);
}

function convSpecs(prefix: string, k: number, cin: number, cout: number, init: 'he' | 'glorot'): WeightSpec[] {
  return [
    { name: `${prefix}/kernel`, shape: [k, k, cin, cout], init },
    { name: `${prefix}/bias`, shape: [cout], init: 'zeros' },
  ];
}

function denseSpecs(prefix: string, nIn: number, nOut: number, init: 'he' | 'glorot'): WeightSpec[] {
  return [
    { name: `${prefix}/kernel`, shape: [nIn, nOut], init },
    { name: `${prefix}/bias`, shape: [nOut], init: 'zeros' },
  ];
}

/** Every weight of a config, in creation order; names and shapes are what saved files hold. */
export function weightSpecs(config: VaeConfig): WeightSpec[] {
  const depth = resolveDepth(config);
  const top = filtersAt(config, depth - 1);
  const flat = bottomSize(config) ** 2 * top;
  const specs: WeightSpec[] = [];
  for (let l = 0; l < depth; l++) {
    const cin = l === 0 ? config.channels : filtersAt(config, l - 1);
    specs.push(...convSpecs(`enc${l}`, 4, cin, filtersAt(config, l), 'he'));
  }
  if (config.bottleneck === 'spatial') {
    specs.push(...convSpecs('enc/mu', 3, top, config.latent, 'glorot'));
    specs.push(...convSpecs('enc/logvar', 3, top, config.latent, 'glorot'));
    specs.push(...convSpecs('dec/in', 3, config.latent, top, 'he'));
  } else {
    specs.push(...denseSpecs('enc/mu', flat, config.latent, 'glorot'));
    specs.push(...denseSpecs('enc/logvar', flat, config.latent, 'glorot'));
    specs.push(...denseSpecs('dec/dense', config.latent, flat, 'he'));
  }
  for (let l = depth - 1; l >= 0; l--) {
    const cin = l === depth - 1 ? top : filtersAt(config, l + 1);
    specs.push(...convSpecs(`dec${l}`, 3, cin, filtersAt(config, l), 'he'));
  }
  specs.push(...convSpecs('dec/out', 3, filtersAt(config, 0), config.channels, 'glorot'));
  return specs;
}

/** Layer `name` of the network; every conv layer pads 1 pixel (kernel 4 stride 2, kernel 3 stride 1). */
function convLayer(layer: ConvLayerFn, w: WeightOf, name: string, x: Tensor4D, stride: number, activation: Activation): Tensor4D {
  const kernel = w(`${name}/kernel`) as unknown as Tensor4D;
  return layer(x, kernel, w(`${name}/bias`) as unknown as Tensor1D, { stride, pad: 1, activation });
}

/** A decoder level: x upsampled 2x, then layer `name` (on x itself where upsampled.ts applies). */
function upsampledLayer(layer: ConvLayerFn, w: WeightOf, name: string, x: Tensor4D): Tensor4D {
  const kernel = w(`${name}/kernel`) as unknown as Tensor4D;
  const bias = w(`${name}/bias`) as unknown as Tensor1D;
  if (upsampledConvApplies(x, kernel, convStrategyFor(tf.getBackend()) === 'conv')) {
    return layer(x, kernel, bias, { stride: 1, pad: 1, activation: 'leakyrelu', upsampled: true });
  }
  return layer(upsample2x(x), kernel, bias, { stride: 1, pad: 1, activation: 'leakyrelu' });
}

function dense(mm: MatMulFn, w: WeightOf, name: string, x: Tensor2D): Tensor2D {
  return tf.add(mm(x, w(`${name}/kernel`) as unknown as Tensor2D), w(`${name}/bias`));
}

/**
 * Nearest 2x upsampling by reshape and a broadcast multiply (rank 5 at most, which every
 * backend has). [N, s, s, C] -> [N, 2s, 2s, C]. Its gradient sums each 2 x 2 block: an average
 * pool times 4, one pooling kernel (tfjs's own, a sum over the broadcast axes, transposes
 * first: on wasm at 64 px, 16 channels, batch 16, 4.1 ms against 0.9 ms).
 */
const upsample2xOp = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as Tensor4D;
  const [n, h, wd, c] = x.shape;
  const spread = tf.mul(tf.reshape(x, [n * h, 1, wd, 1, c]), tf.ones([1, 2, 1, 2, 1]));
  const value = tf.reshape(spread, [n, 2 * h, 2 * wd, c]) as Tensor4D;
  return { value, gradFunc: (dy: Tensor4D) => tf.tidy(() => tf.mul(tf.avgPool(dy, 2, 2, 'valid'), 4)) };
});

export function upsample2x(x: Tensor4D): Tensor4D {
  return tf.tidy(() => upsample2xOp(x) as Tensor4D);
}

type Head = 'enc/mu' | 'enc/logvar';

/** The layers an encoder is built of: its first (which takes the images) and the others. */
interface EncoderLayers {
  first: ConvLayerFn;
  layer: ConvLayerFn;
}

/** The encoder's heads `heads` of x, each [N, latentDim]: mu and logVar in training, mu alone in a projection. */
function encodeWith<H extends Head>(config: VaeConfig, { first, layer }: EncoderLayers, mm: MatMulFn, w: WeightOf, x: Tensor4D, heads: readonly H[]): Record<H, Tensor2D> {
  return tf.tidy(() => {
    let h = x;
    for (let l = 0; l < resolveDepth(config); l++) h = convLayer(l === 0 ? first : layer, w, `enc${l}`, h, 2, 'leakyrelu');
    const n = h.shape[0];
    const flat = config.bottleneck === 'spatial' ? null : (tf.reshape(h, [n, -1]) as Tensor2D);
    const head = (name: Head) => (flat === null ? (tf.reshape(convLayer(layer, w, name, h, 1, 'linear'), [n, -1]) as Tensor2D) : dense(mm, w, name, flat));
    return Object.fromEntries(heads.map((name) => [name, head(name)])) as Record<H, Tensor2D>;
  });
}

function decodeWith(config: VaeConfig, layer: ConvLayerFn, mm: MatMulFn, w: WeightOf, z: Tensor2D): Tensor4D {
  return tf.tidy(() => {
    const depth = resolveDepth(config);
    const s = bottomSize(config);
    const top = filtersAt(config, depth - 1);
    let h =
      config.bottleneck === 'spatial'
        ? convLayer(layer, w, 'dec/in', tf.reshape(z, [z.shape[0], s, s, config.latent]) as Tensor4D, 1, 'leakyrelu')
        : (tf.reshape(leakyRelu(dense(mm, w, 'dec/dense', z)), [z.shape[0], s, s, top]) as Tensor4D);
    for (let l = depth - 1; l >= 0; l--) {
      h = upsampledLayer(layer, w, `dec${l}`, h);
    }
    return convLayer(layer, w, 'dec/out', h, 1, 'sigmoid');
  });
}

let instances = 0;

/** The name a weight has in saved files: the variable name without its per-instance prefix. */
export function stableName(v: Variable): string {
  return v.name.slice(v.name.indexOf('/') + 1);
}

/** Builds a Vae whose weights take the values `valueOf(spec)` returns. */
function buildVae(config: VaeConfig, valueOf: (spec: WeightSpec) => Float32Array): Vae {
  validateConfig(config);
  const resolved: VaeConfig = { ...config, depth: resolveDepth(config) };
  // tf.variable names are global; the prefix lets several models live side by side.
  const prefix = `vae${++instances}`;
  // All values first, so a bad weight throws before any variable exists.
  const values = weightSpecs(resolved).map((spec) => ({ spec, data: valueOf(spec) }));
  const byName = new Map<string, Variable>();
  for (const { spec, data } of values) {
    const v = tf.tidy(() => tf.variable(tf.tensor(data, spec.shape), true, `${prefix}/${spec.name}`));
    byName.set(spec.name, v);
  }
  const w: WeightOf = (name) => byName.get(name) ?? fail(`Missing weight ${name}.`);
  const variables = [...byName.values()];
  // The projection's layers keep what they derive from the weights (transposes, flipped filters).
  const kept = new KeptWeights();
  const projectionMm = projectionMatMul(kept);
  const denseGradients = new DeferredDenseGradients();
  const trainingMm = trainingMatMul(denseGradients);
  const projectionLayer = projectionConvLayer(kept);
  return {
    config: resolved,
    variables,
    // The layers pick their gradient strategy for the backend of the moment (it may change
    // after creation).
    encode: (x) => {
      // The images are data: no gradient reaches them in training (trainingInputLayer).
      const layers = { first: trainingInputLayer, layer: trainingConvLayer };
      const heads = encodeWith(resolved, layers, trainingMm, w, x, ['enc/mu', 'enc/logvar']);
      return { mu: heads['enc/mu'], logVar: heads['enc/logvar'] };
    },
    decode: (z) => decodeWith(resolved, trainingConvLayer, trainingMm, w, z),
    denseGradients,
    // Projection needs only the input gradient (layers whose filter gradient is never computed)
    // and only the mean code (logVar is not computed).
    reconstruct: (x) =>
      tf.tidy(() => {
        const { 'enc/mu': mu } = encodeWith(resolved, { first: projectionLayer, layer: projectionLayer }, projectionMm, w, x, ['enc/mu']);
        return decodeWith(resolved, projectionLayer, projectionMm, w, mu);
      }),
    keptTensors: () => kept.size,
    dispose: () => {
      kept.dispose();
      denseGradients.dispose();
      variables.forEach((v) => v.dispose());
    },
  };
}

/** A fresh VAE with seeded He/Glorot uniform weights (same seed, same weights, any backend). */
export function createVae(config: VaeConfig, seed = 0): Vae {
  validateConfig(config);
  const rng = mulberry32(seed);
  return buildVae(config, (spec) => initValues(spec, rng));
}

/**
 * A VAE with the given weights, keyed by stable name. The caller has checked
 * names and sizes (io.ts does); a missing or mis-sized weight still throws.
 */
export function vaeFromWeights(config: VaeConfig, weights: ReadonlyMap<string, Float32Array>): Vae {
  return buildVae(config, (spec) => {
    const data = weights.get(spec.name);
    if (data === undefined || data.length !== sizeOf(spec.shape)) fail(`Weight ${spec.name} is missing or has the wrong size.`);
    return data;
  });
}
