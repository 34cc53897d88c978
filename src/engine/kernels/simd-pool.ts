/**
 * Threads for the SIMD kernels. With tfjs's threaded build (shared memory) the engine's thread
 * starts helper workers, each with its own instance of the kernels linked to the same memory.
 * A kernel call comes as a list of chunks, each a complete call of one export on its own part
 * of the work (rows of an output, or a partial sum into its own buffer); the calling thread and
 * the helpers claim chunks from a shared counter until none is left, then the caller waits for
 * the last one to finish. A helper slow to wake (a busy core) claims nothing and the caller
 * does its share: a call never waits for a helper that has not started.
 *
 * The control block (Int32Array over a SharedArrayBuffer):
 *  - NEXT: job << 16 | the next chunk; CLOSED as the chunk while the caller writes a job, so a
 *    claim never reads half-written arguments (a claim is a compare-exchange on the value it
 *    read the arguments under);
 *  - DONE: chunks finished in the job; TOTAL: its chunks; FN, ARG_COUNT: what each runs;
 *  - from ARGS_BYTE, each chunk's arguments as float64s (exact for the i32 and f32 parameters).
 */
export const SIMD_FUNCTIONS = ['conv2d', 'conv2dNarrow', 'filterGradient', 'adam', 'denseAdam', 'denseCombine', 'denseDots', 'padSpatial', 'padChannels', 'crop', 'projectionUpdate', 'activation'] as const;
export type SimdFunction = (typeof SIMD_FUNCTIONS)[number];
/** What a helper posts to its starter once it has its instance and serves chunks. */
export const HELPER_SERVING = 'serving';

const NEXT = 0;
const DONE = 1;
const TOTAL = 2;
const FN = 3;
const ARG_COUNT = 4;
const ARGS_BYTE = 32;
const MAX_ARGS = 24;
/** The most chunks one call may have. */
export const MAX_CHUNKS = 64;
export const CONTROL_BYTES = ARGS_BYTE + 8 * MAX_ARGS * MAX_CHUNKS;
const CHUNK_BITS = 16;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
const CLOSED = CHUNK_MASK;
const JOB_MASK = 0x7fff;

/** How long a helper spins for the next call before parking, and the caller for the last chunk. */
const HELPER_SPIN_MS = 0.5;
const CALLER_SPIN_MS = 0.2;

type Run = (fn: SimdFunction, args: number[]) => void;

/** [begin, end) cut into `parts` contiguous ranges as even as whole units allow (none empty when parts <= the units). */
export function splitRange(begin: number, end: number, parts: number): [number, number][] {
  const n = end - begin;
  return Array.from({ length: parts }, (_, k) => [begin + Math.floor((n * k) / parts), begin + Math.floor((n * (k + 1)) / parts)]);
}

/** Claims and runs chunks of the current job until none is left; returns how many it ran. */
function claimAndRun(control: Int32Array, args: Float64Array, run: Run, onDone: () => void): number {
  let ran = 0;
  for (;;) {
    const next = Atomics.load(control, NEXT);
    const chunk = next & CHUNK_MASK;
    if (chunk >= Atomics.load(control, TOTAL)) return ran;
    const fn = SIMD_FUNCTIONS[Atomics.load(control, FN)]!;
    const count = Atomics.load(control, ARG_COUNT);
    const values = Array.from(args.subarray(chunk * MAX_ARGS, chunk * MAX_ARGS + count));
    if (Atomics.compareExchange(control, NEXT, next, next + 1) !== next) continue;
    run(fn, values);
    Atomics.add(control, DONE, 1);
    onDone();
    ran++;
  }
}

function views(buffer: SharedArrayBuffer): { control: Int32Array; args: Float64Array } {
  return { control: new Int32Array(buffer, 0, ARGS_BYTE / 4), args: new Float64Array(buffer, ARGS_BYTE, MAX_ARGS * MAX_CHUNKS) };
}

/**
 * Spins until `control[index]` differs from `seen` or `ms` have passed; true if it changed.
 * A kernel call follows another within microseconds in a training step, and waking a thread
 * parked in Atomics.wait takes longer than that on a busy machine.
 */
function spinWhile(control: Int32Array, index: number, seen: number, ms: number): boolean {
  const end = performance.now() + ms;
  while (performance.now() < end) if (Atomics.load(control, index) !== seen) return true;
  return false;
}

/** A helper's life: wait for chunks, run them, forever. */
export function serveChunks(buffer: SharedArrayBuffer, run: Run): never {
  const { control, args } = views(buffer);
  for (;;) {
    const seen = Atomics.load(control, NEXT);
    const ran = claimAndRun(control, args, run, () => Atomics.notify(control, DONE));
    if (ran === 0 && !spinWhile(control, NEXT, seen, HELPER_SPIN_MS)) Atomics.wait(control, NEXT, seen);
  }
}

/** The caller's side: one job at a time, from the thread that owns the kernels. */
export class SimdPool {
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private job = 0;

  /** `helpers`: how many helper threads serve `buffer` (started by the caller). */
  constructor(
    buffer: SharedArrayBuffer,
    readonly helpers: number,
    private readonly run: Run,
    /** False leaves every chunk to the helpers (tests: proves they run). */
    private readonly callerWorks = true,
  ) {
    ({ control: this.control, args: this.args } = views(buffer));
  }

  /** Runs `fn` once per argument list, the lists shared out over this thread and the helpers; returns when all are done. */
  call(fn: SimdFunction, chunks: readonly (readonly number[])[]): void {
    const total = chunks.length;
    if (total > MAX_CHUNKS || chunks.some((a) => a.length !== chunks[0]!.length || a.length > MAX_ARGS)) {
      throw new Error(`SimdPool: at most ${MAX_CHUNKS} chunks of the same ${MAX_ARGS} or fewer arguments`);
    }
    if (total < 2) {
      for (const a of chunks) this.run(fn, [...a]);
      return;
    }
    const c = this.control;
    this.job = (this.job + 1) & JOB_MASK;
    Atomics.store(c, NEXT, (this.job << CHUNK_BITS) | CLOSED);
    chunks.forEach((a, k) => this.args.set(a, k * MAX_ARGS));
    Atomics.store(c, ARG_COUNT, chunks[0]!.length);
    Atomics.store(c, FN, SIMD_FUNCTIONS.indexOf(fn));
    Atomics.store(c, TOTAL, total);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, this.job << CHUNK_BITS);
    Atomics.notify(c, NEXT);
    if (this.callerWorks) claimAndRun(c, this.args, this.run, () => undefined);
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= total) return;
      // A page's main thread may not block: it spins (tfjs's own threads do the same there).
      if (!spinWhile(c, DONE, done, CALLER_SPIN_MS) && CAN_BLOCK) Atomics.wait(c, DONE, done, 100);
    }
  }
}

/** Whether this thread may block in Atomics.wait (a worker, Node); a browser page's main thread may not. */
const CAN_BLOCK = ((): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();
