/** Validation split, epoch order and batch assembly for the training loop; plain arrays, no tensors. */
import { augmentInto, stackImages } from '../data/augment';
import { shuffleInPlace } from '../data/random';
import type { AugmentConfig, FloatImage } from '../types';

export interface Split<T = FloatImage> {
  train: T[];
  /** Held out for validation loss and calibration. */
  validation: T[];
}

/**
 * Seeded split. With two or more images and split > 0 at least one image is
 * held out and at least one is kept for training. A single image is both the
 * training and the validation set (so calibration still has a sample).
 */
export function splitValidation<T>(images: T[], split: number, rng: () => number): Split<T> {
  if (split <= 0) return { train: [...images], validation: [] };
  if (images.length < 2) return { train: [...images], validation: [...images] };
  const nVal = Math.min(images.length - 1, Math.max(1, Math.round(images.length * split)));
  const order = shuffleInPlace(
    images.map((_, i) => i),
    rng,
  );
  const valIdx = new Set(order.slice(0, nVal));
  return {
    train: images.filter((_, i) => !valIdx.has(i)),
    validation: images.filter((_, i) => valIdx.has(i)),
  };
}

export interface BatchPlan {
  /** Images per step: the configured batch size, or fewer when the set is smaller. */
  batchSize: number;
  stepsPerEpoch: number;
}

export function planBatches(nTrain: number, batchSize: number): BatchPlan {
  const b = Math.max(1, Math.min(batchSize, nTrain));
  return { batchSize: b, stepsPerEpoch: Math.ceil(nTrain / b) };
}

/**
 * A shuffled pass over the training set, topped up from its start so that
 * every batch is full: one tensor shape for all steps, which GPU backends
 * compile once.
 */
export function epochOrder(nTrain: number, plan: BatchPlan, rng: () => number): number[] {
  const order = shuffleInPlace(
    Array.from({ length: nTrain }, (_, i) => i),
    rng,
  );
  const total = plan.stepsPerEpoch * plan.batchSize;
  for (let i = nTrain; i < total; i++) order.push(order[i - nTrain] as number);
  return order;
}

/** Buffers a training loop assembles its batches in, step after step; makeBatch sizes them. */
export interface BatchBuffers {
  batch: Float32Array;
  /** One image, for augmentation. */
  scratch: Float32Array;
}

export const emptyBatchBuffers = (): BatchBuffers => ({ batch: new Float32Array(0), scratch: new Float32Array(0) });

/**
 * Stacked NHWC batch of the given images, augmented in place with `rng`; in `buffers` where given
 * (the batch returned is then overwritten by the next call: a tensor made from it copies it).
 */
export function makeBatch(images: FloatImage[], indices: number[], augment: AugmentConfig, rng: () => number, buffers?: BatchBuffers): Float32Array {
  const picked = indices.map((i) => images[i] as FloatImage);
  const batch = stackImages(picked, buffers?.batch);
  const first = picked[0];
  if (first === undefined) return batch;
  const len = first.width * first.height * first.channels;
  if (buffers) {
    buffers.batch = batch;
    if (buffers.scratch.length !== len) buffers.scratch = new Float32Array(len);
  }
  augmentInto(batch, picked.length, first.width, first.channels, augment, rng, buffers?.scratch);
  return batch;
}
