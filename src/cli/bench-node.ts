/** The Node half of `npm run bench`: the shared timing code on tfjs's wasm and cpu backends. */
import type { BackendChoice } from '../engine/backend';
import { benchBackend } from '../engine/bench/measure';
import type { BenchOptions, BenchRow } from '../engine/bench/types';
import { errorMessage } from '../engine/errors';
import { failedRow } from './bench-rows';
import { backendLine, useNodeBackend } from './node-backend';

export type NodeBackend = 'wasm' | 'cpu';

/**
 * Every size on the backend `start` makes current, as Node rows; a backend that does not start
 * gives rows with the reason. A software GPU adapter is named in each row's notes.
 */
export async function benchStartedBackend(name: string, start: () => Promise<BackendChoice>, o: BenchOptions): Promise<BenchRow[]> {
  try {
    const choice = await start();
    if (choice.name !== name) throw new Error(`${name} is unavailable: ${choice.tried.map((t) => t.reason).join('; ')}`);
    o.log?.(`node: ${name === 'wasm' || name === 'cpu' ? backendLine(name, choice) : `backend: ${choice.reason}`}${choice.adapterInfo ? ` [${choice.adapterInfo}]` : ''}`);
    const ms = await benchBackend(o);
    return ms.map((m) => ({ ...m, where: 'node' as const, longTasksOver50ms: null, skipped: choice.software ? ['software adapter', ...m.skipped] : m.skipped }));
  } catch (e) {
    o.log?.(`node ${name}: ${errorMessage(e)}`);
    return o.sizes.map((size) => failedRow('node', name, size, o, errorMessage(e)));
  }
}

/** Runs every size on each backend in turn. */
export async function benchNode(backends: NodeBackend[], o: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of backends) rows.push(...(await benchStartedBackend(name, () => useNodeBackend(name), o)));
  return rows;
}
