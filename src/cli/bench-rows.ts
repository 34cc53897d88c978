/** Rows of bench/results-<date>.json that carry no measurement, only the reason. */
import { emptyMeasurement } from '../engine/bench/measure';
import type { BenchOptions, BenchRow } from '../engine/bench/types';

type RowConfig = Pick<BenchOptions, 'latent' | 'width' | 'channels' | 'batch'>;

/** A row with every figure null and the reason, for a backend or size that never ran. */
export function failedRow(where: BenchRow['where'], backend: string, size: number, o: RowConfig, reason: string): BenchRow {
  return { where, ...emptyMeasurement(backend, size, o), longTasksOver50ms: null, skipped: [reason] };
}
