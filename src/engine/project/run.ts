/** Drives the projection generator to the end: what scoring and the eval CLI need. */
import { EngineError } from '../errors';
import type { Autoencoder } from '../model/autoencoder';
import type { FloatImage, ProjectionFrame, ProjectionSettings } from '../types';
import { project } from './project';
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
  if (last?.image === undefined) {
    // project() always ends with an image frame; reaching this means its contract broke.
    throw new EngineError('backend-failed', 'The projection ended without a final image.');
  }
  return { xT: last.image, energies, stopped: last.iteration < s.iterations };
}
