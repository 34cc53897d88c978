/**
 * Seeded randomness for data generation and augmentation. Everything that draws random numbers
 * takes an `rng: () => number` so a run is reproducible from one seed, on any backend.
 */

/** A uniform generator on [0, 1) from a 32-bit seed (mulberry32: tiny, fast, good enough for data). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi) (hi exclusive). */
export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo));
}

/** Float in [lo, hi). */
export function randRange(rng: () => number, lo: number, hi: number): number {
  return lo + rng() * (hi - lo);
}

/** Fisher-Yates shuffle, in place; returns the same array. */
export function shuffleInPlace<T>(arr: T[], rng: () => number): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = randInt(rng, 0, i + 1);
    const tmp = arr[i] as T;
    arr[i] = arr[j] as T;
    arr[j] = tmp;
  }
  return arr;
}

/** Standard normal sample (Box-Muller); 1 - u keeps log() away from 0. */
export function normal(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A well-mixed 32-bit hash of integers (murmur3 finaliser per word). Used to derive independent
 * sub-seeds (seed, salt) and lattice values for noise without storing tables.
 */
export function hash32(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v | 0), 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** hash32 mapped to [0, 1). */
export function hashUnit(...values: number[]): number {
  return hash32(...values) / 4294967296;
}
