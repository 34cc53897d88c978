/** The Node half of `npm run bench`: the shared timing code on tfjs's wasm and cpu backends. */
import { benchBackend } from '../engine/bench/measure';
import type { BenchOptions, BenchRow } from '../engine/bench/types';
import { errorMessage } from '../engine/errors';
import { failedRow } from './bench-rows';
import { backendLine, useNodeBackend } from './node-backend';

export type NodeBackend = 'wasm' | 'cpu';

/** Runs every size on each backend in turn; a backend that fails to start gives rows with the reason. */
export async function benchNode(backends: NodeBackend[], o: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of backends) {
    try {
      const choice = await useNodeBackend(name);
      if (choice.name !== name) throw new Error(`${name} is unavailable: ${choice.tried.map((t) => t.reason).join('; ')}`);
      o.log?.(`node: ${backendLine(name, choice)}`);
      const ms = await benchBackend(o);
      rows.push(...ms.map((m) => ({ ...m, where: 'node' as const, longTasksOver50ms: null })));
    } catch (e) {
      o.log?.(`node ${name}: ${errorMessage(e)}`);
      rows.push(...o.sizes.map((size) => failedRow('node', name, size, o, errorMessage(e))));
    }
  }
  return rows;
}
