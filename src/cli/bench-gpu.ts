/**
 * npm run bench:gpu [-- --sizes 64,128,256] [--repeats N] [--out FILE] [--no-wasm] [--quick]
 * The bench's WebGPU rows in Node, on Dawn (the `webgpu` package: Google's WebGPU implementation
 * as a Node addon, Vulkan on Linux), beside tfjs-wasm on the same machine's CPU, in one run: for a
 * machine with a GPU and no browser. `npm run gpu-kit` packs this file with what it needs into
 * one folder to carry to such a machine (see gpu-kit.ts). Prints the table, writes every figure
 * to JSON, and says which adapter ran (a software Vulkan such as lavapipe is named as such).
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { create, globals } from 'webgpu';
import { chooseBackend } from '../engine/backend';
import type { BenchEnv, BenchOptions, BenchRow } from '../engine/bench/types';
import { errorMessage } from '../engine/errors';
import { FIRST_MODEL, repeatsArg, sizesArg } from './bench-args';
import { benchStartedBackend } from './bench-node';
import { formatBenchTable, formatKernelProfiles, writeResults } from './bench-report';
import { wasmDir } from './node-backend';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    repeats: { type: 'string' },
    out: { type: 'string', default: 'bench-gpu.json' },
    'no-wasm': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'wasm-dir': { type: 'string' },
  },
});

/** navigator.gpu from Dawn, before tfjs-backend-webgpu is loaded (it registers only where navigator.gpu exists). */
function installDawn(): void {
  Object.assign(globalThis, globals);
  const gpu = create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu, hardwareConcurrency: cpus().length, userAgent: 'node' }, configurable: true });
}

function rowsFor(backend: 'webgpu' | 'wasm', o: BenchOptions): Promise<BenchRow[]> {
  return benchStartedBackend(backend, () => chooseBackend({ override: backend, order: [], wasmPaths: values['wasm-dir'] ?? wasmDir() }), o);
}

async function main(): Promise<void> {
  const log = (line: string) => console.error(line);
  const sizes = sizesArg(values.sizes, ['64', '128', '256']);
  const repeats = repeatsArg(values.repeats, 5);
  // The bench's model; a budget that a slow adapter cannot overrun by much. --quick: the
  // yardsticks only (no kernel profile, no real loops).
  const o: BenchOptions = { ...FIRST_MODEL, sizes, repeats, extras: values.quick !== true, sizeBudgetMs: 90_000, backendBudgetMs: 300_000, log };
  const env: BenchEnv = { date: new Date().toISOString(), cpus: cpus().length, loadAverage: loadavg(), node: process.version, quick: values.quick === true };
  installDawn();
  const rows = await rowsFor('webgpu', o);
  // The CPU's figure in the same run, for the ratio; wasm goes second, so WebGPU's device is set up first.
  if (values['no-wasm'] !== true) rows.push(...(await rowsFor('wasm', o)));
  const out = path.resolve(values.out);
  await writeResults(out, rows.map((r) => ({ ...r, env })));
  console.log(formatBenchTable(rows));
  const profiles = formatKernelProfiles(rows);
  if (profiles.length > 0) console.log(`\n${profiles}`);
  log(`bench:gpu: wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(`bench:gpu: ${errorMessage(e)}`);
  process.exit(1);
});
