/**
 * PyTorch beside tfjs-wasm in the Node bench: for every size the wasm backend measured, the
 * same network (checked by its parameter count), batch and thread count run through
 * bench/torch_vae.py, and a table of both times per workload with their ratio; below them the
 * same two kernels timed alone in both (a 3x3 convolution of the network's full-resolution
 * shape, a 512 x 512 matrix product), the ratio a whole step can hardly beat; and the training
 * steps again in alternating rounds (bench-torch-paired.ts), whose median ratio the load moves
 * least.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernelFlops, timeKernels, type KernelShapes, type KernelTimes } from '../engine/bench/kernels';
import { sizeOf } from '../engine/model/init';
import { weightSpecs } from '../engine/model/vae';
import { emptyMeasurement } from '../engine/bench/measure';
import { errorMessage } from '../engine/errors';
import type { BenchOptions, BenchRow } from '../engine/bench/types';
import { createWorkloads, msPerTrainStep, PROJECTION_BATCH } from '../engine/bench/workloads';
import { findTorchPython, runTorchScript, type TorchConfig, type TorchFigures } from './bench-torch';
import { alternateRounds, startTorchStepServer, type PairedRounds, type StepTimer } from './bench-torch-paired';
import { textTable } from './table';

/** A bench row measured by PyTorch: the JSON file keeps which torch, threads and parameter counts. */
export interface TorchRow extends BenchRow {
  pytorch: Omit<TorchFigures, 'trainStepMs' | 'projectionStepMs' | 'projectionBatchStepMs' | 'convMs' | 'matmulMs' | 'kernels'> & { python: string; tfjsParams: number };
  /** The kernels alone, both libraries, where the script timed them. */
  kernels: { shapes: KernelShapes; tfjs: KernelTimes; pytorch: KernelTimes } | null;
  /** The training steps in alternating rounds (tfjs-wasm in Node), where they ran. */
  paired: PairedRounds | null;
}

export interface TorchBeside {
  rows: TorchRow[];
  /** The comparison table, or the note that says why there is none. */
  text: string;
  /** The table again with Chromium's one-thread WASM rows beside PyTorch's too (once they are measured). */
  withChromium(chromiumRows: BenchRow[]): string;
  /**
   * Another tfjs-wasm training step (Chromium's page) against PyTorch's in alternating rounds, at
   * the first size PyTorch ran: the line to print, or why there is none. `open` gives the step
   * for a config and batch; its close() is called after.
   */
  pairWith(where: string, open: (config: TorchConfig) => Promise<{ steps: StepTimer; close(): Promise<void> }>): Promise<string>;
}

type ModelOptions = Pick<BenchOptions, 'latent' | 'width' | 'channels' | 'batch' | 'repeats' | 'sizeBudgetMs' | 'log'>;

/** The network and batch PyTorch mirrors at `size`. */
const torchConfig = (size: number, o: ModelOptions): TorchConfig => ({ size, channels: o.channels, latent: o.latent, width: o.width, batch: o.batch });

/** Parameters of the engine's VAE for a config, from the same specs its weights are made from. */
export function engineParamCount(config: { size: number; channels: 1 | 3; latent: number; width: number; depth?: number }): number {
  return weightSpecs(config).reduce((n, spec) => n + sizeOf(spec.shape), 0);
}

/**
 * Threads of the tfjs wasm backend: 1, since backend.ts turns the threaded build off; read
 * from the backend all the same, so that PyTorch gets as many if that ever changes.
 */
async function wasmThreads(): Promise<number> {
  try {
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    return getThreadsCount();
  } catch {
    return 1;
  }
}

function torchRow(size: number, o: ModelOptions, python: string, f: TorchFigures, tfjsParams: number, tfjsKernels: KernelTimes | null): TorchRow {
  const { trainStepMs, projectionStepMs, projectionBatchStepMs, convMs, matmulMs, kernels, ...about } = f;
  const row: TorchRow = {
    where: 'node',
    ...emptyMeasurement('pytorch', size, o),
    trainStepMs,
    projectionStepMs,
    projectionBatchStepMs,
    longTasksOver50ms: null,
    pytorch: { ...about, python, tfjsParams },
    kernels: kernels && tfjsKernels ? { shapes: kernels, tfjs: tfjsKernels, pytorch: { convMs, matmulMs } } : null,
    paired: null,
  };
  if (projectionStepMs !== null && projectionBatchStepMs !== null) {
    row.batchProjectionSpeedup = Math.round(((PROJECTION_BATCH * projectionStepMs) / projectionBatchStepMs) * 100) / 100;
  }
  if (f.params !== tfjsParams) row.skipped.push(`parameter counts differ: tfjs ${tfjsParams}, PyTorch ${f.params}`);
  return row;
}

const ms = (v: number | null) => (v === null ? '-' : v.toFixed(1));
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '-' : (a / b).toFixed(2));

function paramsLine(size: number, r: TorchRow): string {
  const { params, tfjsParams } = r.pytorch;
  const verdict = params === tfjsParams ? 'same' : 'DIFFERENT: the PyTorch mirror is not the engine network';
  return `${size}px parameters: tfjs ${tfjsParams.toLocaleString('en-US')}, PyTorch ${params.toLocaleString('en-US')} (${verdict})`;
}

const gflops = (flops: number, msPerCall: number | null) => (msPerCall === null || msPerCall <= 0 ? '-' : (flops / msPerCall / 1e6).toFixed(1));

/** The kernels' arithmetic rate in both libraries. */
function kernelLine(size: number, k: NonNullable<TorchRow['kernels']>): string {
  const f = kernelFlops(k.shapes);
  return `${size}px kernels alone, GFLOP/s tfjs-wasm / PyTorch: conv ${gflops(f.conv, k.tfjs.convMs)} / ${gflops(f.conv, k.pytorch.convMs)}, matmul ${gflops(f.matmul, k.tfjs.matmulMs)} / ${gflops(f.matmul, k.pytorch.matmulMs)}`;
}

/** Runs `f` on the wasm backend (made current for it, then put back). */
async function onWasm<T>(f: () => Promise<T>): Promise<T> {
  const before = tf.getBackend();
  if (before !== 'wasm' && !(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start again');
  try {
    return await f();
  } finally {
    if (before !== 'wasm') await tf.setBackend(before);
  }
}

/** tfjs-wasm's time for the kernels PyTorch timed. */
const wasmKernels = (shapes: KernelShapes, o: ModelOptions): Promise<KernelTimes> => onWasm(() => timeKernels(shapes, { repeats: o.repeats, budgetMs: 0.1 * o.sizeBudgetMs }));

/** `tfjs`'s training steps and PyTorch's in alternating rounds, at least three (repeats of them). */
async function pairAgainstTorch(python: string, config: TorchConfig, threads: number, tfjs: StepTimer, o: ModelOptions): Promise<PairedRounds> {
  const server = await startTorchStepServer(python, config, threads);
  try {
    if (server.params !== engineParamCount(config)) throw new Error(`parameter counts differ: tfjs ${engineParamCount(config)}, PyTorch ${server.params}`);
    return await alternateRounds(tfjs, server.steps, Math.max(3, o.repeats));
  } finally {
    server.close();
  }
}

/** Node's tfjs-wasm training step against PyTorch's in alternating rounds. */
function pairedTraining(python: string, config: TorchConfig, threads: number, o: ModelOptions): Promise<PairedRounds> {
  return onWasm(async () => {
    const { batch, ...vae } = config;
    const w = createWorkloads(vae, batch);
    try {
      // Warm, as the page's step is before its rounds (e2e/bench/page.ts readyTrainSteps).
      await w.trainStep(2);
      return await pairAgainstTorch(python, config, threads, (n) => msPerTrainStep(w, n), o);
    } finally {
      w.dispose();
    }
  });
}

/** The line of the alternating rounds' figures for one size. */
function pairedLine(size: number, batch: number, p: PairedRounds, where = ''): string {
  const ratios = p.rounds.map((r) => r.ratio.toFixed(2)).join(', ');
  return `${size}px train step (Adam)${where}, batch ${batch}, alternating rounds of ${p.steps} steps: tfjs-wasm ${p.firstMs.toFixed(1)} ms, PyTorch ${p.secondMs.toFixed(1)} ms; tfjs/pytorch each round ${ratios}, median ${p.ratio.toFixed(2)}`;
}

/**
 * One line per workload and size: tfjs-wasm ms, PyTorch ms, tfjs / PyTorch; with `chromiumRows`,
 * Chromium's one-thread WASM training and projection steps against the same PyTorch figures.
 */
export function formatTorchComparison(wasmRows: BenchRow[], torchRows: TorchRow[], notes: string[] = [], chromiumRows: BenchRow[] = []): string {
  const body: string[][] = [];
  const lines: string[] = [];
  for (const t of torchRows) {
    const w = wasmRows.find((r) => r.size === t.size);
    if (w === undefined) continue;
    const threads = String(t.pytorch.threads);
    const pairs: [string, number, number | null, number | null][] = [
      ['train step (Adam)', t.config.batch, w.trainStepMs, t.trainStepMs],
      ['projection step', 1, w.projectionStepMs, t.projectionStepMs],
      ['projection step', PROJECTION_BATCH, w.projectionBatchStepMs, t.projectionBatchStepMs],
    ];
    const c = chromiumRows.find((r) => r.where === 'chromium' && r.backend === 'wasm' && r.size === t.size);
    if (c && t.pytorch.threads === 1) {
      pairs.push(['train step (Adam), Chromium', t.config.batch, c.trainStepMs, t.trainStepMs]);
      pairs.push(['projection step, Chromium', 1, c.projectionStepMs, t.projectionStepMs]);
    }
    const k = t.kernels;
    if (k) {
      pairs.push([`3x3 conv alone, ${k.shapes.width} -> ${k.shapes.width} ch`, k.shapes.batch, k.tfjs.convMs, k.pytorch.convMs]);
      pairs.push([`${k.shapes.matmul}^3 matmul alone`, 1, k.tfjs.matmulMs, k.pytorch.matmulMs]);
    }
    for (const [name, batch, a, b] of pairs) body.push([String(t.size), name, String(batch), threads, ms(a), ms(b), ratio(a, b)]);
    lines.push(paramsLine(t.size, t));
    if (k) lines.push(kernelLine(t.size, k));
    if (t.paired) lines.push(pairedLine(t.size, t.config.batch, t.paired));
  }
  const first = torchRows[0]?.pytorch;
  const title = first
    ? `tfjs-wasm (Node, or Chromium where named) vs PyTorch ${first.torch} on the CPU (${first.python}, oneDNN ${first.mkldnn ? 'on' : 'off'}, freed memory ${first.freedMemoryKept ? 'kept' : 'given back to the system'}), same network, batch, size and threads`
    : 'tfjs-wasm (Node) vs PyTorch';
  const table = body.length > 0 ? [textTable(['size', 'workload', 'batch', 'threads', 'tfjs-wasm ms', 'pytorch ms', 'tfjs/pytorch'], body)] : [];
  return [title, ...table, ...lines, ...notes].join('\n');
}

const skipped = (note: string): TorchBeside => ({ rows: [], text: note, withChromium: () => note, pairWith: async () => note });

/** PyTorch rows for every size of `nodeRows` that tfjs-wasm measured, and the comparison table. */
export async function benchTorchBeside(nodeRows: BenchRow[], o: ModelOptions, pythons?: string[]): Promise<TorchBeside> {
  const wasmRows = nodeRows.filter((r) => r.backend === 'wasm' && r.trainStepMs !== null);
  if (wasmRows.length === 0) return skipped('PyTorch rows skipped: no tfjs-wasm figures to compare with (--backends without wasm, or wasm failed)');
  const found = await findTorchPython(pythons);
  if ('note' in found) return skipped(found.note);
  const threads = await wasmThreads();
  const rows: TorchRow[] = [];
  const notes: string[] = [];
  for (const w of wasmRows) {
    const config = torchConfig(w.size, o);
    o.log?.(`pytorch ${w.size}px (${found.python}, ${threads} thread${threads === 1 ? '' : 's'})`);
    // About the share of a size's budget that tfjs gives its own training step.
    const out = await runTorchScript(found.python, config, { threads, repeats: o.repeats, budgetS: (0.3 * o.sizeBudgetMs) / 1000 });
    if (!out.ok) {
      notes.push(out.note);
      o.log?.(out.note);
      continue;
    }
    const kernels = out.figures.kernels ? await wasmKernels(out.figures.kernels, o) : null;
    const row = torchRow(w.size, o, out.python, out.figures, engineParamCount(config), kernels);
    o.log?.(`pytorch ${w.size}px: training steps in alternating rounds with tfjs-wasm`);
    try {
      row.paired = await pairedTraining(found.python, config, threads, o);
    } catch (e) {
      notes.push(`${w.size}px alternating rounds failed: ${errorMessage(e)}`);
    }
    o.log?.(`  pytorch ${w.size}px train ${row.trainStepMs} ms, projection ${row.projectionStepMs} ms, batch ${PROJECTION_BATCH} ${row.projectionBatchStepMs} ms; ${paramsLine(w.size, row)}`);
    rows.push(row);
  }
  const pairWith: TorchBeside['pairWith'] = async (where, open) => {
    const first = rows[0];
    if (first === undefined) return `no alternating rounds${where}: PyTorch ran at no size`;
    const config = torchConfig(first.size, o);
    try {
      const tfjs = await open(config);
      try {
        return pairedLine(first.size, o.batch, await pairAgainstTorch(found.python, config, threads, tfjs.steps, o), where);
      } finally {
        await tfjs.close();
      }
    } catch (e) {
      return `${first.size}px alternating rounds${where} failed: ${errorMessage(e)}`;
    }
  };
  return { rows, text: formatTorchComparison(wasmRows, rows, notes), withChromium: (chromium) => formatTorchComparison(wasmRows, rows, notes, chromium), pairWith };
}
