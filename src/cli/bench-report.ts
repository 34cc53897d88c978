/** The bench table (stdout) and the JSON file of `npm run bench`. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gflopsPerSecond } from '../engine/bench/arithmetic';
import { PROJECTION_BATCH } from '../engine/bench/workloads';
import type { BenchRow, KernelTime } from '../engine/bench/types';
import { textTable } from './table';

const HEADER = ['where', 'backend', 'size', 'train ms', 'proj ms', 'proj x16 ms', 'x16 speedup', 'fwd ms', 'fwd+bwd ms', 'proj/fb', 'train loop ms', 'proj loop ms',
  'peak tensors', 'peak MB', 'long tasks', 'note'];

const cell = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '-' : v.toFixed(digits));

const busyShare = (share: number | null | undefined) => (share === null || share === undefined ? '-' : `${Math.round(share * 100)} %`);

/** First reason a figure is missing, shortened for the table (the JSON has them all). */
function note(r: BenchRow): string {
  if (r.app) {
    const a = r.app;
    return `app (${a.backend.split(':')[0]}): train ${(a.trainingMs / 1000).toFixed(1)} s, projection ${(a.projectionMs / 1000).toFixed(1)} s, longest task ${a.longestTaskMs} ms, longest frame gap ${a.longestFrameGapTrainingMs} ms training / ${a.longestFrameGapProjectionMs} ms projecting, gaps over 50 ms ${a.frameGapsOver50msTraining ?? '-'} / ${a.frameGapsOver50msProjection ?? '-'}, main thread busy ${busyShare(a.mainThreadBusyTraining)} of the training`;
  }
  const first = r.skipped[0];
  if (first === undefined) return '';
  return first.length > 70 ? `${first.slice(0, 67)}...` : first;
}

export function formatBenchTable(rows: BenchRow[]): string {
  const body = rows.map((r) => [
    r.where, r.backend, String(r.size), cell(r.trainStepMs), cell(r.projectionStepMs), cell(r.projectionBatchStepMs), cell(r.batchProjectionSpeedup, 2),
    cell(r.forwardMs), cell(r.forwardBackwardMs),
    cell(r.projectionOverForwardBackward, 2), cell(r.trainLoopStepMs), cell(r.projectionLoopStepMs), cell(r.peakTensors, 0),
    r.peakBytes === null ? '-' : (r.peakBytes / 2 ** 20).toFixed(1), cell(r.longTasksOver50ms, 0), note(r),
  ]);
  return textTable(HEADER, body);
}

function kernelLine(label: string, kernels: KernelTime[] | null | undefined): string[] {
  if (kernels === null || kernels === undefined || kernels.length === 0) return [];
  return [`${label}: ${kernels.map((k) => `${k.name} ${k.ms.toFixed(k.ms < 10 ? 1 : 0)} ms/${k.calls}`).join(', ')}`];
}

/**
 * The steps' convolution arithmetic against the SIMD ceiling of the threads they ran on: GFLOP/s
 * and the share of the ceiling each step reaches, and the most that batching the projection
 * could gain (the ceiling over the single projection's rate).
 */
function arithmeticLine(label: string, r: BenchRow): string[] {
  const perThread = r.simdPeakGflops ?? null;
  const train = r.trainStepConvFlops ?? null;
  const one = r.projectionStepConvFlops ?? null;
  if (perThread === null || (train === null && one === null)) return [];
  const threads = r.simdThreads ?? 1;
  const peak = perThread * threads;
  const rate = (flops: number | null, ms: number | null) => {
    const g = gflopsPerSecond(flops, ms);
    return g === null ? '-' : `${g.toFixed(1)} GFLOP/s (${Math.round((100 * g) / peak)} %)`;
  };
  const on = threads === 1 ? 'one thread' : `${threads} threads of ${perThread.toFixed(1)}`;
  const parts = [`SIMD ceiling ${peak.toFixed(1)} GFLOP/s (${on}, 128-bit multiply + add)`];
  if (train !== null) parts.push(`train step ${(train / 1e9).toFixed(2)} GFLOP of convolutions, ${rate(train, r.trainStepMs)}`);
  if (one !== null) {
    parts.push(`projection ${(one / 1e9).toFixed(3)} GFLOP, batch 1 ${rate(one, r.projectionStepMs)}, batch ${PROJECTION_BATCH} ${rate(PROJECTION_BATCH * one, r.projectionBatchStepMs)}`);
    const single = gflopsPerSecond(one, r.projectionStepMs);
    if (single !== null) parts.push(`batching can gain at most ${(peak / single).toFixed(1)} x`);
  }
  return [`${label} arithmetic: ${parts.join('; ')}`];
}

/** Where a training step's and a projection step's time goes, per row that has kernel profiles. */
export function formatKernelProfiles(rows: BenchRow[]): string {
  return rows
    .flatMap((r) => [
      ...kernelLine(`${r.where} ${r.backend} ${r.size}px train step`, r.topKernels),
      ...kernelLine(`${r.where} ${r.backend} ${r.size}px projection step`, r.topProjectionKernels),
      ...arithmeticLine(`${r.where} ${r.backend} ${r.size}px`, r),
    ])
    .join('\n');
}

/** bench/results-YYYY-MM-DD.json under the repo root, unless --out names a file. */
export function defaultOutPath(root: string, date: Date): string {
  return path.join(root, 'bench', `results-${date.toISOString().slice(0, 10)}.json`);
}

export async function writeResults(file: string, rows: BenchRow[], extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ runs: rows, ...extra }, null, 2) + '\n');
}
