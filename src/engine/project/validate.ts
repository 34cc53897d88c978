/**
 * Argument checks shared by the projection and the scoring: a bad slider value or an image of
 * the wrong size must fail with a sentence the UI can show, before any tensor is made.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';
import { PROJECTION_VARIANTS, type FloatImage, type ProjectionSettings, type VaeConfig } from '../types';

function invalid(message: string): EngineError {
  return new EngineError('invalid-argument', message);
}

/** Throws EngineError 'invalid-argument' unless alpha, lambda, iterations and variant are usable. */
export function validateSettings(s: ProjectionSettings): void {
  if (!Number.isFinite(s.alpha) || s.alpha < 0) {
    throw invalid(`The step size alpha must be a finite number >= 0 (got ${s.alpha}).`);
  }
  if (!Number.isFinite(s.lambda) || s.lambda < 0) {
    throw invalid(`Lambda must be a finite number >= 0 (got ${s.lambda}).`);
  }
  if (!Number.isInteger(s.iterations) || s.iterations < 0) {
    throw invalid(`Iterations must be a whole number >= 0 (got ${s.iterations}).`);
  }
  if (!PROJECTION_VARIANTS.includes(s.variant)) {
    throw invalid(`The projection variant must be ${PROJECTION_VARIANTS.map((v) => `'${v}'`).join(', ')} (got '${String(s.variant)}').`);
  }
}

/** Throws unless `every` (frames are reported every `every` steps) is a whole number >= 1. */
export function validateEvery(every: number): void {
  if (!Number.isInteger(every) || every < 1) {
    throw invalid(`Frames can be reported every 1 or more whole steps (got every = ${every}).`);
  }
}

/** Throws unless the image has the model's working size and channels and a consistent buffer. */
export function checkImageForModel(config: VaeConfig, img: FloatImage): void {
  if (img.width !== config.size || img.height !== config.size) {
    throw invalid(
      `The image is ${img.width}x${img.height} px but the model works on ${config.size}x${config.size} px; resize it first.`,
    );
  }
  if (img.channels !== config.channels) {
    throw invalid(`The image has ${img.channels} channel(s) but the model expects ${config.channels}.`);
  }
  checkImageBuffer(img);
}

/** Throws unless data holds exactly width * height * channels values. */
export function checkImageBuffer(img: FloatImage): void {
  const expected = img.width * img.height * img.channels;
  if (img.data.length !== expected) {
    throw invalid(`The image buffer holds ${img.data.length} values; ${img.width}x${img.height}x${img.channels} needs ${expected}.`);
  }
}

/** The image as a batch of one, [1, H, W, C]. */
export function imageToTensor(img: FloatImage): Tensor4D {
  return tf.tensor4d(img.data, [1, img.height, img.width, img.channels]);
}

/** Reads a [1, H, W, C] tensor back into a FloatImage with its own buffer (never a backend alias). */
export async function tensorToImage(t: Tensor4D, channels: FloatImage['channels']): Promise<FloatImage> {
  const values = await t.data<'float32'>();
  const [, height = 0, width = 0] = t.shape;
  return { width, height, channels, data: values.slice() };
}

/** Splits a [N, H, W, C] tensor into N images, each with its own buffer. */
export async function tensorToImages(t: Tensor4D, channels: FloatImage['channels']): Promise<FloatImage[]> {
  const [n = 0, height = 0, width = 0] = t.shape;
  const values = await t.data<'float32'>();
  const per = height * width * channels;
  return Array.from({ length: n }, (_, i) => ({ width, height, channels, data: values.slice(i * per, (i + 1) * per) }));
}

/** A batch [N, H, W, C] of images that all fit the model; throws before any tensor is made. */
export function imagesToTensor(config: VaeConfig, images: FloatImage[]): Tensor4D {
  const first = images[0];
  if (!first) throw invalid('A batch needs at least one image.');
  for (const img of images) checkImageForModel(config, img);
  if (images.length === 1) return imageToTensor(first);
  const per = first.data.length;
  const data = new Float32Array(per * images.length);
  images.forEach((img, i) => data.set(img.data, i * per));
  return tf.tensor4d(data, [images.length, first.height, first.width, first.channels]);
}
