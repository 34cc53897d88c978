/**
 * Seeded weight initialisation. Values come from a JS RNG, not from a backend,
 * so the same seed gives the same model on every backend.
 */

/**
 * 'he': layers followed by LeakyReLU; 'glorot': linear or sigmoid outputs;
 * 'zeros': biases.
 */
export type InitKind = 'he' | 'glorot' | 'zeros';

export interface WeightSpec {
  /** Stable name, e.g. 'enc0/kernel'; the same in every instance and in saved files. */
  name: string;
  shape: number[];
  init: InitKind;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Fan-in and fan-out of a dense kernel [in, out] or a conv kernel [kh, kw, in, out].
 */
function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const receptive = sizeOf(shape.slice(0, -2));
  const inDim = shape[shape.length - 2] ?? 1;
  const outDim = shape[shape.length - 1] ?? 1;
  return { fanIn: receptive * inDim, fanOut: receptive * outDim };
}

/** Uniform init with the He or Glorot limit, drawn from `rng` in order. */
export function initValues(spec: WeightSpec, rng: () => number): Float32Array {
  const out = new Float32Array(sizeOf(spec.shape));
  if (spec.init === 'zeros') return out;
  const { fanIn, fanOut } = fans(spec.shape);
  const limit = spec.init === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < out.length; i++) out[i] = (rng() * 2 - 1) * limit;
  return out;
}
