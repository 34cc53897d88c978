/**
 * Two training steps timed in alternating rounds (tfjs-wasm's and PyTorch's, or one WASM thread's
 * and two's): a few steps of one, then of the other, a round after another, and the ratio of
 * each round. On a machine whose load
 * comes and goes, two figures measured minutes apart can each catch a quiet or a busy spell
 * (PyTorch's step at 32 px took 14.0 ms in one run and 30.5 ms in another 24 minutes before);
 * rounds a second apart see the same load, and the median of their ratios is the comparison.
 * PyTorch runs bench/torch_vae.py --serve, which keeps its step ready between rounds.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { blockSize, median } from '../engine/bench/stats';
import { TORCH_SCRIPT, type TorchConfig } from './bench-torch';

/** About this long a side per round. */
const ROUND_MS = 400;
/** The most steps a round takes (a fast step would make a round of hundreds). */
const MAX_ROUND_STEPS = 50;

/** ms a step over `steps` steps. */
export type StepTimer = (steps: number) => Promise<number>;

export interface PairedRounds {
  /** Each round's ms a step, the first timer's then the second's, and their ratio (first / second). */
  rounds: { firstMs: number; secondMs: number; ratio: number }[];
  /** The medians of each timer's ms a step. */
  firstMs: number;
  secondMs: number;
  /** The median of the rounds' ratios. */
  ratio: number;
  steps: number;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** `rounds` rounds of `steps` steps, `first`'s first in each. */
export async function alternate(first: StepTimer, second: StepTimer, rounds: number, steps: number): Promise<PairedRounds> {
  if (!(rounds >= 1 && steps >= 1)) throw new Error('alternate needs at least one round of one step');
  const out: PairedRounds['rounds'] = [];
  for (let r = 0; r < rounds; r++) {
    const firstMs = await first(steps);
    const secondMs = await second(steps);
    out.push({ firstMs: round3(firstMs), secondMs: round3(secondMs), ratio: round3(firstMs / secondMs) });
  }
  return {
    rounds: out,
    firstMs: round3(median(out.map((r) => r.firstMs))),
    secondMs: round3(median(out.map((r) => r.secondMs))),
    ratio: round3(median(out.map((r) => r.ratio))),
    steps,
  };
}

/**
 * `rounds` rounds of both timers, each round about ROUND_MS a side: one step of each first (a
 * warm-up, the first's sizing the rounds).
 */
export async function alternateRounds(first: StepTimer, second: StepTimer, rounds: number): Promise<PairedRounds> {
  const warm = await first(1);
  await second(1);
  return alternate(first, second, rounds, blockSize(warm, ROUND_MS, MAX_ROUND_STEPS));
}

export interface TorchStepServer {
  /** The parameter count of PyTorch's network (the caller checks it against tfjs's). */
  params: number;
  steps: StepTimer;
  close(): void;
}

/** Starts bench/torch_vae.py --serve with `python` (one that imports torch) and waits until its step is ready. */
export async function startTorchStepServer(python: string, config: TorchConfig, threads: number): Promise<TorchStepServer> {
  const child = spawn(python, [TORCH_SCRIPT, JSON.stringify(config), '--serve', '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // An interpreter that does not start (ENOENT) reports here; its stdout just closes.
  let failed: Error | null = null;
  child.on('error', (e) => (failed = e));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`torch_vae.py --serve ended: ${(failed as Error | null)?.message ?? stderr.trim().split('\n').pop() ?? 'no message'}`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  try {
    const ready = await next();
    if (ready.ready !== true || typeof ready.params !== 'number') throw new Error(`torch_vae.py --serve did not say it was ready: ${JSON.stringify(ready)}`);
    return {
      params: ready.params,
      steps: async (n) => {
        child.stdin.write(`${n}\n`);
        const { trainStepMs } = await next();
        if (typeof trainStepMs !== 'number' || !(trainStepMs > 0)) throw new Error(`torch_vae.py --serve printed a bad time: ${JSON.stringify(trainStepMs)}`);
        return trainStepMs;
      },
      close: () => {
        child.stdin.end();
        child.kill();
      },
    };
  } catch (e) {
    child.kill();
    throw e;
  }
}
