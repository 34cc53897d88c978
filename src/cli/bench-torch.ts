/**
 * PyTorch's times for the engine's VAE, from bench/torch_vae.py (a layer-by-layer mirror of
 * vae.ts, loss.ts and the Adam step): a yardstick for tfjs-wasm on the same CPU, same network,
 * batch, size and thread count. PyTorch is optional: without python3 or torch the bench gets a
 * note saying why, never an error.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KernelShapes } from '../engine/bench/kernels';

export const TORCH_SCRIPT = fileURLToPath(new URL('../../bench/torch_vae.py', import.meta.url));

/**
 * `python3` first; then Debian's own interpreter, where apt's python3-torch installs, for when
 * another python3 (pyenv, a virtual environment) comes first on PATH without torch.
 */
export const DEFAULT_PYTHONS = ['python3', '/usr/bin/python3'];

/** A VaeConfig (engine/types.ts) plus the training batch, as the script reads it. */
export interface TorchConfig {
  size: number;
  channels: 1 | 3;
  latent: number;
  width: number;
  batch: number;
  depth?: number;
}

/** What the script prints; times are medians in ms, null where it timed nothing (--params-only). */
export interface TorchFigures {
  torch: string;
  threads: number;
  params: number;
  /** Whether torch has oneDNN (MKL-DNN) convolutions: it changes what "PyTorch's speed" means. */
  mkldnn: boolean | null;
  /** Whether glibc kept freed memory in the process (torch_vae.py keep_freed_memory): without it PyTorch page-faults its tensors in every step. */
  freedMemoryKept: boolean | null;
  trainStepMs: number | null;
  projectionStepMs: number | null;
  projectionBatchStepMs: number | null;
  /** The convolution and the matrix product alone (engine/bench/kernels.ts), and their shapes. */
  convMs: number | null;
  matmulMs: number | null;
  kernels: KernelShapes | null;
}

export type TorchOutcome = { ok: true; python: string; figures: TorchFigures } | { ok: false; note: string };

export interface TorchRunOptions {
  threads: number;
  repeats: number;
  /** Time cap per figure after its warm-up, seconds. */
  budgetS?: number;
  /** Only build the model and count its parameters. */
  paramsOnly?: boolean;
  /** Interpreters to try in order; the first that imports torch runs the script. */
  pythons?: string[];
  timeoutMs?: number;
}

const IMPORT_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 10 * 60_000;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function msOrNull(o: Record<string, unknown>, key: string): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`torch_vae.py printed a bad ${key}: ${JSON.stringify(v)}`);
  return v;
}

/** The figures of the script's last stdout line (one JSON object); throws with a sentence when it is not one. */
export function parseTorchOutput(stdout: string): TorchFigures {
  const line = stdout.trim().split('\n').pop() ?? '';
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new Error(`torch_vae.py printed no JSON line: ${JSON.stringify(line.slice(0, 120))}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('torch_vae.py printed JSON that is not an object');
  const r = o as Record<string, unknown>;
  if (typeof r.torch !== 'string') throw new Error('torch_vae.py printed no torch version');
  if (!isCount(r.threads) || r.threads < 1) throw new Error(`torch_vae.py printed a bad thread count: ${JSON.stringify(r.threads)}`);
  if (!isCount(r.params)) throw new Error(`torch_vae.py printed a bad parameter count: ${JSON.stringify(r.params)}`);
  return {
    torch: r.torch,
    threads: r.threads,
    params: r.params,
    mkldnn: typeof r.mkldnn === 'boolean' ? r.mkldnn : null,
    freedMemoryKept: typeof r.freedMemoryKept === 'boolean' ? r.freedMemoryKept : null,
    trainStepMs: msOrNull(r, 'trainStepMs'),
    projectionStepMs: msOrNull(r, 'projectionStepMs'),
    projectionBatchStepMs: msOrNull(r, 'projectionBatchStepMs'),
    convMs: msOrNull(r, 'convMs'),
    matmulMs: msOrNull(r, 'matmulMs'),
    kernels: kernelShapesOrNull(r.kernels),
  };
}

function kernelShapesOrNull(v: unknown): KernelShapes | null {
  if (v === undefined || v === null) return null;
  const k = v as Record<string, unknown>;
  const keys = ['batch', 'size', 'width', 'matmul'] as const;
  if (typeof v !== 'object' || !keys.every((key) => isCount(k[key]) && (k[key] as number) > 0)) throw new Error(`torch_vae.py printed bad kernel shapes: ${JSON.stringify(v)}`);
  return { batch: k.batch as number, size: k.size as number, width: k.width as number, matmul: k.matmul as number };
}

/** The last line of a failed child's stderr (a Python traceback ends with the error), else its message. */
function reasonOf(e: unknown, stderr: string): string {
  const last = stderr.trim().split('\n').pop()?.trim();
  if (last) return last;
  return e instanceof Error ? e.message : String(e);
}

function run(python: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(reasonOf(error, stderr)));
      else resolve(stdout);
    });
  });
}

/** The first interpreter that imports torch, or the note the bench prints instead of the PyTorch rows. */
export async function findTorchPython(pythons: string[] = DEFAULT_PYTHONS): Promise<{ python: string } | { note: string }> {
  const failures: string[] = [];
  for (const python of pythons) {
    try {
      await run(python, ['-c', 'import torch'], IMPORT_TIMEOUT_MS);
      return { python };
    } catch (e) {
      failures.push(`${python} -c 'import torch' failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { note: `PyTorch rows skipped: ${failures.join('; ')}` };
}

/** Runs the script with `python` (one that imports torch) for one config. */
export async function runTorchScript(python: string, config: TorchConfig, o: TorchRunOptions): Promise<TorchOutcome> {
  const args = [TORCH_SCRIPT, JSON.stringify(config), '--threads', String(o.threads), '--repeats', String(o.repeats)];
  if (o.budgetS !== undefined) args.push('--budget-s', String(o.budgetS));
  if (o.paramsOnly) args.push('--params-only');
  try {
    return { ok: true, python, figures: parseTorchOutput(await run(python, args, o.timeoutMs ?? RUN_TIMEOUT_MS)) };
  } catch (e) {
    return { ok: false, note: `PyTorch ${config.size}px failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** findTorchPython, then runTorchScript: the figures, or a note when python3 or torch is missing. */
export async function runTorchBench(config: TorchConfig, o: TorchRunOptions): Promise<TorchOutcome> {
  const found = await findTorchPython(o.pythons);
  if ('note' in found) return { ok: false, note: found.note };
  return runTorchScript(found.python, config, o);
}
