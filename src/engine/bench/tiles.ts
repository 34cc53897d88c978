/**
 * Patch mode's cost: one projection step of a tiled image against its number of tiles, the
 * tiles projected together in chunks of projectionBatchFor(size) as the app does, beside the
 * same tiles projected one at a time. Should grow linearly with the tiles, and a chunk of tiles
 * should cost far less than its tiles one by one.
 */
import '../tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { mulberry32 } from '../data/random';
import { projectionBatchFor } from '../limits';
import { createVae } from '../model/vae';
import type { Vae } from '../model/autoencoder';
import { projectionStep } from '../project/project';
import type { VaeConfig } from '../types';
import { median, round } from './stats';
import { BENCH_PROJECTION } from './workloads';

export interface TileBenchRow {
  backend: string;
  size: number;
  tiles: number;
  /** One projection step of all the tiles, chunk by chunk (ms, median). */
  stepMs: number;
  /** stepMs per tile. */
  perTileMs: number;
  /** The same step with every tile alone (batch 1), when measured. */
  oneByOneMs: number | null;
  /** oneByOneMs / stepMs. */
  speedup: number | null;
}

export interface TileBenchOptions {
  config: VaeConfig;
  backend: string;
  tileCounts: number[];
  /** Counts at or below this are also timed one tile at a time. */
  oneByOneUpTo: number;
  repeats: number;
}

/** One projection step of `x0`'s tiles in chunks of `chunk`; resolves when the backend is done. */
async function step(vae: Vae, chunks: Tensor4D[]): Promise<void> {
  const energies = chunks.map((x0) =>
    tf.tidy(() => {
      const { energy, next } = projectionStep(vae, x0, x0, BENCH_PROJECTION);
      next.dispose();
      return energy;
    }),
  );
  await Promise.all(energies.map((e) => e.data()));
  tf.dispose(energies);
}

async function timeSteps(vae: Vae, chunks: Tensor4D[], repeats: number): Promise<number> {
  await step(vae, chunks); // warm-up (kernel set-up, GPU shader compiles)
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await step(vae, chunks);
    times.push(performance.now() - t0);
  }
  return median(times);
}

function randomTiles(n: number, size: number, channels: number, rng: () => number): Float32Array {
  const data = new Float32Array(n * size * size * channels);
  for (let i = 0; i < data.length; i++) data[i] = rng();
  return data;
}

function cut(data: Float32Array, n: number, per: number, config: VaeConfig): Tensor4D[] {
  const { size, channels } = config;
  const px = size * size * channels;
  const out: Tensor4D[] = [];
  for (let i = 0; i < n; i += per) {
    const k = Math.min(per, n - i);
    out.push(tf.tensor4d(data.subarray(i * px, (i + k) * px), [k, size, size, channels]));
  }
  return out;
}

export async function benchTiles(o: TileBenchOptions): Promise<TileBenchRow[]> {
  const vae = createVae(o.config, 1);
  const rng = mulberry32(9);
  const rows: TileBenchRow[] = [];
  try {
    for (const n of o.tileCounts) {
      const data = randomTiles(n, o.config.size, o.config.channels, rng);
      const chunked = cut(data, n, projectionBatchFor(o.config.size), o.config);
      const stepMs = await timeSteps(vae, chunked, o.repeats).finally(() => tf.dispose(chunked));
      let oneByOneMs: number | null = null;
      if (n <= o.oneByOneUpTo) {
        const singles = cut(data, n, 1, o.config);
        oneByOneMs = await timeSteps(vae, singles, o.repeats).finally(() => tf.dispose(singles));
      }
      rows.push({
        backend: o.backend,
        size: o.config.size,
        tiles: n,
        stepMs: round(stepMs, 1) ?? 0,
        perTileMs: round(stepMs / n, 2) ?? 0,
        oneByOneMs: round(oneByOneMs, 1),
        speedup: oneByOneMs === null ? null : round(oneByOneMs / stepMs, 2),
      });
    }
  } finally {
    vae.dispose();
  }
  return rows;
}
