/** What `npm run bench` and `npm run bench:gpu` share: the models they time and their list arguments. */

/**
 * The model the speed figures have been measured on since the first bench (the app's first
 * default: latent 32, width 16, batch 16, colour), kept so figures compare across runs. The
 * tile rows use today's default model (bench-tiles.ts).
 */
export const FIRST_MODEL = { latent: 32, width: 16, channels: 3 as const, batch: 16 };
/** --model app: the app's default model and batch (store/defaults.ts: a 16 px smallest map up to 64 px). */
export const APP_MODEL = { latent: 256, width: 16, channels: 3 as const, batch: 4, bottom: 16 };
/**
 * --model demo: the model "Try the demo" trains (store/defaults.ts DEMO_SETTINGS: a spatial
 * bottleneck of 4 channels on the 16 px map, batch 4); its coarse-noise denoising is left out.
 */
export const DEMO_MODEL = { latent: 4, width: 16, channels: 3 as const, batch: 4, bottom: 16, bottleneck: 'spatial' as const };

export function listArg(raw: string | undefined, fallback: string[]): string[] {
  return raw === undefined ? fallback : raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** --sizes: working sizes in px, each a whole number >= 16. */
export function sizesArg(raw: string | undefined, fallback: string[]): number[] {
  const sizes = listArg(raw, fallback).map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 16)) throw new Error(`--sizes must list whole numbers >= 16, got "${raw}"`);
  return sizes;
}

/** --repeats: timed samples per figure, a whole number >= 1. */
export function repeatsArg(raw: string | undefined, fallback: number): number {
  const repeats = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a whole number >= 1, got "${raw}"`);
  return repeats;
}

/**
 * The sizes whose training step one thread and two time in alternating rounds: every size up to
 * 64 px (the 64 px step is the network and batch the speed targets were set on), at least the
 * smallest; 128 px steps take a third of a second, too long for rounds in the run's budget.
 */
export function threadRoundSizes(sizes: readonly number[]): number[] {
  const upTo64 = sizes.filter((s) => s <= 64);
  return upTo64.length > 0 ? [...new Set(upTo64)].sort((a, b) => a - b) : [Math.min(...sizes)];
}
