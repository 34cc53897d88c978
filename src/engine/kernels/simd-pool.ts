/**
 * Threads for the SIMD kernels. With tfjs's threaded build (shared memory) the page's worker
 * starts helper workers, each with its own instance of the kernels linked to the same memory.
 * A kernel call is cut into chunks (rows of the output, or blocks of input channels, each
 * written by one thread only); the calling thread and the helpers claim chunks from a shared
 * counter until none is left, then the caller waits for the last one to finish. A helper that
 * is slow to wake (a busy core) claims nothing and the caller does its share: a call never
 * waits for a helper that has not started.
 *
 * The control block (Int32Array over a SharedArrayBuffer):
 *  - NEXT: job << 16 | the next chunk; CLOSED as the chunk while the caller writes a job, so a
 *    claim never reads half-written arguments (a claim is a compare-exchange on the value it read
 *    the arguments under);
 *  - DONE: chunks finished in the job; TOTAL: its chunks; FN, ARG_COUNT: what to run;
 *  - the arguments as float64s from ARGS_BYTE (exact for the i32 and f32 parameters).
 */
export const SIMD_FUNCTIONS = ['conv2d', 'filterGradient'] as const;
/** What a helper posts to its starter once it has its instance and serves chunks. */
export const HELPER_SERVING = 'serving';
export type SimdFunction = (typeof SIMD_FUNCTIONS)[number];

const NEXT = 0;
const DONE = 1;
const TOTAL = 2;
const FN = 3;
const ARG_COUNT = 4;
const ARGS_BYTE = 32;
const MAX_ARGS = 24;
export const CONTROL_BYTES = ARGS_BYTE + 8 * MAX_ARGS;
const CHUNK_BITS = 16;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
const CLOSED = CHUNK_MASK;
const JOB_MASK = 0x7fff;

/** Argument positions the chunks rewrite (conv-simd.wat's parameter lists). */
const CONV_FIRST_ROW = 4;
const CONV_LAST_ROW = 5;
const FILTER_C_BEGIN = 15;
const FILTER_C_END = 16;
/** filterGradient's input-channel block. */
export const FILTER_C_BLOCK = 4;

type Run = (fn: SimdFunction, args: number[]) => void;

/**
 * Chunk `chunk` of `chunks` of a call: conv2d's output rows [first, last) cut evenly, or
 * filterGradient's input channels [cBegin, cEnd) cut at multiples of its block.
 */
export function chunkArgs(fn: SimdFunction, args: readonly number[], chunk: number, chunks: number): number[] {
  const out = [...args];
  const cut = (begin: number, end: number, unit: number): [number, number] => {
    const units = (end - begin) / unit;
    return [begin + Math.floor((units * chunk) / chunks) * unit, begin + Math.floor((units * (chunk + 1)) / chunks) * unit];
  };
  if (fn === 'conv2d') [out[CONV_FIRST_ROW], out[CONV_LAST_ROW]] = cut(args[CONV_FIRST_ROW]!, args[CONV_LAST_ROW]!, 1);
  else [out[FILTER_C_BEGIN], out[FILTER_C_END]] = cut(args[FILTER_C_BEGIN]!, args[FILTER_C_END]!, FILTER_C_BLOCK);
  return out;
}

/** How many independent units a call has to share out: rows, or channel blocks. */
export function chunkUnits(fn: SimdFunction, args: readonly number[]): number {
  if (fn === 'conv2d') return args[CONV_LAST_ROW]! - args[CONV_FIRST_ROW]!;
  return (args[FILTER_C_END]! - args[FILTER_C_BEGIN]!) / FILTER_C_BLOCK;
}

/** Claims and runs chunks of the current job until none is left; returns how many it ran. */
function claimAndRun(control: Int32Array, args: Float64Array, run: Run, onDone: () => void): number {
  let ran = 0;
  for (;;) {
    const next = Atomics.load(control, NEXT);
    const chunk = next & CHUNK_MASK;
    const total = Atomics.load(control, TOTAL);
    if (chunk >= total) return ran;
    const fn = SIMD_FUNCTIONS[Atomics.load(control, FN)]!;
    const values = Array.from(args.subarray(0, Atomics.load(control, ARG_COUNT)));
    if (Atomics.compareExchange(control, NEXT, next, next + 1) !== next) continue;
    run(fn, chunkArgs(fn, values, chunk, total));
    Atomics.add(control, DONE, 1);
    onDone();
    ran++;
  }
}

function views(buffer: SharedArrayBuffer): { control: Int32Array; args: Float64Array } {
  return { control: new Int32Array(buffer, 0, ARGS_BYTE / 4), args: new Float64Array(buffer, ARGS_BYTE, MAX_ARGS) };
}

/** A helper's life: wait for chunks, run them, forever. */
export function serveChunks(buffer: SharedArrayBuffer, run: Run): never {
  const { control, args } = views(buffer);
  for (;;) {
    const seen = Atomics.load(control, NEXT);
    const ran = claimAndRun(control, args, run, () => Atomics.notify(control, DONE));
    if (ran === 0) Atomics.wait(control, NEXT, seen);
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
    private readonly chunksPerThread = 4,
    /** False leaves every chunk to the helpers (tests: proves they run). */
    private readonly callerWorks = true,
  ) {
    ({ control: this.control, args: this.args } = views(buffer));
  }

  /** Runs `fn(args)` split into chunks over this thread and the helpers; returns when all are done. */
  call(fn: SimdFunction, args: readonly number[]): void {
    const total = Math.min(chunkUnits(fn, args), (this.helpers + 1) * this.chunksPerThread, CLOSED - 1);
    if (total < 2) {
      this.run(fn, [...args]);
      return;
    }
    const c = this.control;
    this.job = (this.job + 1) & JOB_MASK;
    Atomics.store(c, NEXT, (this.job << CHUNK_BITS) | CLOSED);
    this.args.set(args);
    Atomics.store(c, ARG_COUNT, args.length);
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
      if (CAN_BLOCK) Atomics.wait(c, DONE, done, 100);
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
