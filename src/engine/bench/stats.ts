/**
 * Timing helpers shared by the Node and the browser benchmark: plain numbers, no tensors.
 * A sample is the mean time of a block of calls, so that a fast workload is not dominated by
 * the clock's resolution or by one read-back; the reported figure is the median of samples.
 */

/** Median of the values (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] as number;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2;
}

/** Rounds to `digits` decimals, passing null through (JSON and tables want short numbers). */
export function round(value: number | null, digits = 2): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Calls per timed block: enough calls that one block lasts about `targetMs`, judged from one
 * probe call, between 1 and `maxCalls`.
 */
export function blockSize(probeMs: number, targetMs: number, maxCalls: number): number {
  if (!(probeMs > 0)) return maxCalls;
  return Math.max(1, Math.min(maxCalls, Math.round(targetMs / probeMs)));
}

export interface SampleOptions {
  /** Untimed calls first (shader compiles, optimizer slots, caches). */
  warmup: number;
  /** Timed blocks wanted. */
  repeats: number;
  /** Stop adding blocks once this much time went into the timed part (at least one block runs). */
  budgetMs: number;
  /** Aim for blocks of about this length (fast workloads get several calls per block). */
  blockMs: number;
  /** Most calls per block. */
  maxBlock: number;
  /** Clock in milliseconds; performance.now by default. */
  now?: () => number;
}

export interface Samples {
  /** Mean ms per call of each timed block. */
  perCallMs: number[];
  /** Calls per block. */
  block: number;
  /** Wall time of the untimed warm-up calls. */
  warmupMs: number;
}

/**
 * Times an async workload (`run(calls)` runs `calls` calls and resolves when the backend has
 * finished them). Warm-up calls are excluded; one probe call sizes the blocks and counts as a
 * sample of block 1 only when no block of the chosen size fits the budget.
 */
export async function sample(run: (calls: number) => Promise<void>, o: SampleOptions): Promise<Samples> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  if (o.warmup > 0) await run(o.warmup);
  const warmupMs = now() - t0;
  const p0 = now();
  await run(1);
  const probeMs = now() - p0;
  const block = blockSize(probeMs, o.blockMs, o.maxBlock);
  const perCallMs: number[] = [];
  let spent = probeMs;
  while (perCallMs.length < o.repeats && spent + probeMs * block <= o.budgetMs) {
    const s = now();
    await run(block);
    const ms = now() - s;
    spent += ms;
    perCallMs.push(ms / block);
  }
  if (perCallMs.length === 0) return { perCallMs: [probeMs], block: 1, warmupMs };
  return { perCallMs, block, warmupMs };
}
