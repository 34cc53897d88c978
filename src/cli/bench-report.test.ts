import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../engine/bench/types';
import { formatBenchTable, formatKernelProfiles } from './bench-report';

describe('formatKernelProfiles', () => {
  it('prints a line per profiled step, tenths under 10 ms, and nothing for rows without a profile', () => {
    const rows = [
      {
        where: 'node',
        backend: 'wasm',
        size: 64,
        topKernels: [
          { name: 'Conv2D', ms: 206.4, calls: 18 },
          { name: 'Sum', ms: 4.96, calls: 15 },
        ],
        topProjectionKernels: [{ name: 'FusedConv2D', ms: 3.25, calls: 9 }],
      },
      { where: 'chromium', backend: 'webgpu', size: 64, topKernels: null, topProjectionKernels: null },
    ] as BenchRow[];
    expect(formatKernelProfiles(rows).split('\n')).toEqual([
      'node wasm 64px train step: Conv2D 206 ms/18, Sum 5.0 ms/15',
      'node wasm 64px projection step: FusedConv2D 3.3 ms/9',
    ]);
  });
});

describe('the arithmetic line', () => {
  it('sets each step against the SIMD ceiling and bounds what batching can gain', () => {
    const row = {
      where: 'node',
      backend: 'wasm',
      size: 64,
      topKernels: null,
      topProjectionKernels: null,
      simdPeakGflops: 50,
      trainStepConvFlops: 6e9,
      projectionStepConvFlops: 0.25e9,
      trainStepMs: 200,
      projectionStepMs: 10,
      projectionBatchStepMs: 100,
    } as BenchRow;
    expect(formatKernelProfiles([row])).toBe(
      'node wasm 64px arithmetic: SIMD ceiling 50.0 GFLOP/s (one thread, 128-bit multiply + add); ' +
        'train step 6.00 GFLOP of convolutions, 30.0 GFLOP/s (60 %); ' +
        'projection 0.250 GFLOP, batch 1 25.0 GFLOP/s (50 %), batch 16 40.0 GFLOP/s (80 %); batching can gain at most 2.0 x',
    );
    expect(formatKernelProfiles([{ ...row, simdPeakGflops: null }])).toBe('');
    // On two threads the ceiling is both threads'.
    expect(formatKernelProfiles([{ ...row, simdThreads: 2 }])).toContain('SIMD ceiling 100.0 GFLOP/s (2 threads of 50.0, 128-bit multiply + add); train step 6.00 GFLOP of convolutions, 30.0 GFLOP/s (30 %)');
  });
});

describe("the app row's note", () => {
  it('gives the training and projection figures and the share of the training the main thread was busy', () => {
    const app = {
      trainingMs: 3100, projectionMs: 250, longTasksTraining: 0, longTasksProjection: 0, longestTaskMs: 0,
      longestFrameGapTrainingMs: 33, longestFrameGapProjectionMs: 0, frameGapsOver50msTraining: 0, frameGapsOver50msProjection: 0,
      mainThreadBusyTraining: 0.2, longTasksWholeSession: 1, longTasks: [], settings: { epochs: 20, batch: 4, iterations: 40 }, backend: 'WASM, 2 threads: chosen',
    };
    const row = { where: 'chromium', backend: 'app-wasm', size: 64, skipped: [], app } as unknown as BenchRow;
    expect(formatBenchTable([row])).toContain(
      'app (WASM, 2 threads): train 3.1 s, projection 0.3 s, longest task 0 ms, longest frame gap 33 ms training / 0 ms projecting, gaps over 50 ms 0 / 0, main thread busy 20 % of the training',
    );
    expect(formatBenchTable([{ ...row, app: { ...app, mainThreadBusyTraining: null } }])).toContain('main thread busy - of the training');
  });
});
