/** Drives the projection generators to the end: what scoring and the eval CLI need. */
import { EngineError } from '../errors';
import type { Autoencoder } from '../model/autoencoder';
import type { FloatImage, ProjectionFrame, ProjectionSettings } from '../types';
import { project, projectBatch } from './project';
import type { ProjectOptions } from './project';

export interface RunProjectionOptions extends ProjectOptions {
  /** Called with every yielded frame, in order. */
  onFrame?(f: ProjectionFrame): void;
}

export interface ProjectionRun {
  /** The last x_t: x_T, or the image where shouldStop ended the run. */
  xT: FloatImage;
  /** E(x_t) of every yielded frame (iteration 0, every `every` steps, the last). */
  energies: number[];
  /** True when shouldStop ended the run before s.iterations steps. */
  stopped: boolean;
}

// project() always ends with an image frame; reaching this means its contract broke.
const noFinalImage = () => new EngineError('backend-failed', 'The projection ended without a final image.');

/**
 * Runs project() to its last frame.
 * @throws EngineError 'invalid-argument' as project() does.
 */
export async function runProjection(
  model: Autoencoder,
  x0: FloatImage,
  s: ProjectionSettings,
  opts: RunProjectionOptions = {},
): Promise<ProjectionRun> {
  const energies: number[] = [];
  let last: ProjectionFrame | null = null;
  for await (const frame of project(model, x0, s, opts)) {
    energies.push(frame.energy);
    opts.onFrame?.(frame);
    last = frame;
  }
  if (last?.image === undefined) throw noFinalImage();
  return { xT: last.image, energies, stopped: last.iteration < s.iterations };
}

/**
 * Projects a batch together (one forward and one backward pass per step for all of them) and
 * returns each image's run, in order, as runProjection would give it alone. Only the first and
 * the last frames are read back: the energies hold E(x0) and E(x_T).
 * @throws EngineError 'invalid-argument' as projectBatch() does.
 */
export async function runProjectionBatch(
  model: Autoencoder,
  x0s: FloatImage[],
  s: ProjectionSettings,
  opts: ProjectOptions = {},
): Promise<ProjectionRun[]> {
  const energies: number[][] = x0s.map(() => []);
  let last: { iteration: number; images?: FloatImage[] } | null = null;
  for await (const frame of projectBatch(model, x0s, s, { every: Math.max(1, s.iterations), ...opts })) {
    frame.energies.forEach((e, i) => energies[i]?.push(e));
    last = frame;
  }
  const images = last?.images;
  if (!last || images?.length !== x0s.length) throw noFinalImage();
  const stopped = last.iteration < s.iterations;
  return images.map((xT, i) => ({ xT, energies: energies[i] ?? [], stopped }));
}
