/** Rows of bench/results-<date>.json that carry no measurement, only the reason. */
import type { BenchOptions, BenchRow } from '../engine/bench/types';

type RowConfig = Pick<BenchOptions, 'latent' | 'width' | 'channels' | 'batch'>;

/** A row with every figure null and the reason, for a backend or size that never ran. */
export function failedRow(where: BenchRow['where'], backend: string, size: number, o: RowConfig, reason: string): BenchRow {
  return {
    where,
    backend,
    size,
    trainStepMs: null,
    projectionStepMs: null,
    forwardMs: null,
    forwardBackwardMs: null,
    longTasksOver50ms: null,
    projectionOverForwardBackward: null,
    trainForwardBackwardMs: null,
    projectionLoopStepMs: null,
    trainLoopStepMs: null,
    firstTrainStepMs: null,
    peakTensors: null,
    peakBytes: null,
    tensorsLeaked: null,
    samples: {},
    topKernels: null,
    skipped: [reason],
    config: { latent: o.latent, width: o.width, channels: o.channels, batch: o.batch },
  };
}
