/** What the Node harness and the benchmark page agree on. No imports with side effects: both sides load it. */
import type { BackendChoice } from '../../src/engine/backend';
import type { BenchMeasurement } from '../../src/engine/bench/types';

/** The page module, as the Vite dev server serves it. */
export const PAGE_MODULE = '/e2e/bench/page.ts';
export const PAGE_HTML = '/e2e/bench/index.html';

/** Console prefixes the harness reads: progress lines, and each size's result as JSON. */
export const LOG_TAG = '[bench] ';
export const ROW_TAG = '[bench-row] ';

export interface PageResult {
  /** The backend that ran, or null when the requested one did not start. */
  choice: Pick<BackendChoice, 'name' | 'reason' | 'software' | 'adapterInfo'> | null;
  error: string | null;
  rows: BenchMeasurement[];
}
