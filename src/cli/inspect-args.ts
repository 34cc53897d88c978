/**
 * The inspect command's options: parsed and checked here, so every mistake on the command line
 * becomes one sentence and exit code 2 before any file is read or any backend started.
 */
import { parseArgs } from 'node:util';
import { PROJECTION_VARIANTS, type ProjectionSettings } from '../engine/types';
import { COLORMAPS, type ColormapName } from '../render/colormap';

export const INSPECT_USAGE = `usage: npm run inspect -- --model MODEL.zip DIR --out OUT [--backend wasm|cpu]
  [--alpha X] [--lambda X] [--iterations N] [--variant weighted|calibrated|plain] [--colormap ${COLORMAPS.join('|')}]
Scores every PNG, JPEG or TIFF under DIR (sub-folders and symbolic links followed) with a model exported
from the page, and writes per image and method a heat map PNG and the raw map as little-endian
float32 (<name>.<method>.f32), plus OUT/results.csv. The projection settings default to those saved
in the model file.`;

/** A mistake in what the person asked for (exit code 2), as opposed to a failure while working. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface InspectArgs {
  model: string;
  dir: string;
  out: string;
  backend: 'wasm' | 'cpu';
  colormap: ColormapName;
  /** Only the projection settings given on the command line; the rest come from the model file. */
  projection: Partial<ProjectionSettings>;
}

export type ParsedArgs = { kind: 'help' } | { kind: 'run'; args: InspectArgs };

const OPTIONS = {
  model: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string', default: 'wasm' },
  alpha: { type: 'string' }, lambda: { type: 'string' }, iterations: { type: 'string' }, variant: { type: 'string' },
  colormap: { type: 'string', default: 'inferno' }, help: { type: 'boolean', default: false },
} as const;

function number(name: string, raw: string | undefined, check: (v: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !check(v)) throw new InputError(`--${name} must be ${what}, got "${raw}".`);
  return v;
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === raw);
  if (found === undefined) throw new InputError(`--${name} must be ${allowed.join(' or ')}, got "${raw}".`);
  return found;
}

function projectionFlags(v: { alpha?: string; lambda?: string; iterations?: string; variant?: string }): Partial<ProjectionSettings> {
  const p: Partial<ProjectionSettings> = {};
  // The same ranges as the engine's validateSettings, checked here so the mistake names the option.
  const alpha = number('alpha', v.alpha, (x) => x >= 0, 'a number of at least 0');
  const lambda = number('lambda', v.lambda, (x) => x >= 0, 'a number of at least 0');
  const iterations = number('iterations', v.iterations, (x) => Number.isInteger(x) && x >= 0, 'a whole number of at least 0');
  if (alpha !== undefined) p.alpha = alpha;
  if (lambda !== undefined) p.lambda = lambda;
  if (iterations !== undefined) p.iterations = iterations;
  if (v.variant !== undefined) p.variant = oneOf('variant', v.variant, PROJECTION_VARIANTS);
  return p;
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs words its errors for programmers ("Unknown option '--x'. To specify a positional..."): keep the first sentence.
    const first = (e instanceof Error ? e.message : String(e)).split('. ')[0] ?? '';
    throw new InputError(`${first.replace(/\.$/, '')}. Run with --help for the options.`);
  }
}

export function parseInspectArgs(argv: string[]): ParsedArgs {
  const { values: v, positionals } = parse(argv);
  if (v.help) return { kind: 'help' };
  if (v.model === undefined) throw new InputError('--model MODEL.zip is missing: give the model file exported from the page.');
  if (positionals.length === 0) throw new InputError('DIR is missing: give the folder of images to inspect.');
  if (positionals.length > 1) throw new InputError(`one folder of images, please; got ${positionals.length}: ${positionals.join(', ')}.`);
  if (v.out === undefined) throw new InputError('--out OUT is missing: give the folder to write the maps and results.csv to.');
  return {
    kind: 'run',
    args: {
      model: v.model,
      dir: positionals[0] as string,
      out: v.out,
      backend: oneOf('backend', v.backend, ['wasm', 'cpu'] as const),
      colormap: oneOf('colormap', v.colormap, COLORMAPS),
      projection: projectionFlags(v),
    },
  };
}
