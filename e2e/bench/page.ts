/**
 * The browser half of `npm run bench`, served by Vite's dev server and imported by the
 * harness with page.evaluate: picks one backend (with the app's own wasm binary URLs) and
 * runs the same timing code as Node on the page's main thread.
 */
// First: tfjs-core's index registers its flags; the browser tf-setup's deep gradient imports,
// evaluated before it, would fail with "Cannot evaluate flag 'DEBUG'".
import '@tensorflow/tfjs-core';
import { chooseBackend, wasmThreadCount, type BackendChoice } from '../../src/engine/backend';
import { errorMessage } from '../../src/engine/errors';
import { benchBackend } from '../../src/engine/bench/measure';
import { createWorkloads, msPerTrainStep, type Workloads } from '../../src/engine/bench/workloads';
import type { VaeConfig } from '../../src/engine/types';
import type { BenchOptions } from '../../src/engine/bench/types';
import { wasmPaths } from '../../src/worker/wasmPaths';
import { LOG_TAG, ROW_TAG, type PageResult } from './protocol';

export async function runInPage(backend: string, o: Omit<BenchOptions, 'log' | 'onResult'>, threads = 1): Promise<PageResult> {
  let choice: BackendChoice;
  try {
    choice = await chooseBackend({ override: backend, order: [], wasmPaths: wasmPaths(), wasmThreads: threads });
  } catch (e) {
    return { choice: null, error: errorMessage(e), rows: [] };
  }
  const { name, reason, software, adapterInfo } = choice;
  const summary = { name, reason, software, adapterInfo };
  if (name !== backend) return { choice: summary, error: `${backend} did not start`, rows: [] };
  if (backend === 'wasm') {
    const running = wasmThreadCount();
    if (running !== threads) {
      const why = crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)';
      return { choice: summary, error: `asked for ${threads} WASM threads, ${running} run${why}`, rows: [] };
    }
  }
  const rows = await benchBackend({
    ...o,
    log: (line) => console.log(`${LOG_TAG}${line}`),
    onResult: (m) => console.log(`${ROW_TAG}${JSON.stringify(m)}`),
  });
  return { choice: summary, error: null, rows };
}

/** The training step kept ready for alternating rounds (src/cli/bench-torch-paired.ts): with PyTorch's, or another thread count's. */
let ready: Workloads | null = null;

/** Makes `config`'s training step ready on WASM with `threads` threads; null, or why it could not. */
export async function readyTrainSteps(config: VaeConfig, batch: number, threads = 1): Promise<string | null> {
  try {
    const choice = await chooseBackend({ override: 'wasm', order: [], wasmPaths: wasmPaths(), wasmThreads: threads });
    if (choice.name !== 'wasm') return 'wasm did not start';
    if (wasmThreadCount() !== threads) return `asked for ${threads} WASM threads, ${wasmThreadCount()} run`;
    ready?.dispose();
    ready = createWorkloads(config, batch);
    await ready.trainStep(2);
    return null;
  } catch (e) {
    return errorMessage(e);
  }
}

/** ms a step over `steps` training steps of the step readyTrainSteps made. */
export async function trainSteps(steps: number): Promise<number> {
  if (ready === null) throw new Error('readyTrainSteps first');
  return msPerTrainStep(ready, steps);
}
