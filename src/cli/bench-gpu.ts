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
import { benchBackend } from '../engine/bench/measure';
import type { BenchEnv, BenchOptions, BenchRow } from '../engine/bench/types';
import { errorMessage } from '../engine/errors';
import { formatBenchTable, formatKernelProfiles, writeResults } from './bench-report';
import { failedRow } from './bench-rows';
import { wasmDir } from './node-backend';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '64,128,256' },
    repeats: { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench-gpu.json' },
    'no-wasm': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'wasm-dir': { type: 'string' },
  },
});

/** The bench's model (bench.ts MODEL) and a budget that a slow adapter cannot overrun by much. */
const MODEL = { latent: 32, width: 16, channels: 3 as const, batch: 16 };

/** navigator.gpu from Dawn, before tfjs-backend-webgpu is loaded (it registers only where navigator.gpu exists). */
function installDawn(): void {
  Object.assign(globalThis, globals);
  const gpu = create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu, hardwareConcurrency: cpus().length, userAgent: 'node' }, configurable: true });
}

async function rowsFor(backend: 'webgpu' | 'wasm', o: BenchOptions, log: (l: string) => void): Promise<BenchRow[]> {
  try {
    const choice = await chooseBackend({ override: backend, order: [], wasmPaths: values['wasm-dir'] ?? wasmDir() });
    if (choice.name !== backend) throw new Error(`${backend} did not start: ${choice.tried.map((t) => t.reason).join('; ')}`);
    log(`node ${backend}: ${choice.reason}${choice.adapterInfo ? ` [${choice.adapterInfo}]` : ''}`);
    const measured = await benchBackend(o);
    return measured.map((m) => ({ ...m, where: 'node' as const, longTasksOver50ms: null, skipped: choice.software ? ['software adapter', ...m.skipped] : m.skipped }));
  } catch (e) {
    log(`node ${backend}: ${errorMessage(e)}`);
    return o.sizes.map((size) => failedRow('node', backend, size, o, errorMessage(e)));
  }
}

async function main(): Promise<void> {
  const log = (line: string) => console.error(line);
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 16)) throw new Error(`--sizes must list whole numbers >= 16, got "${values.sizes}"`);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a whole number >= 1, got "${values.repeats}"`);
  // --quick: the yardsticks only (no kernel profile, no real loops).
  const o: BenchOptions = { ...MODEL, sizes, repeats, extras: values.quick !== true, sizeBudgetMs: 90_000, backendBudgetMs: 300_000, log };
  const env: BenchEnv = { date: new Date().toISOString(), cpus: cpus().length, loadAverage: loadavg(), node: process.version, quick: values.quick === true };
  installDawn();
  const rows = await rowsFor('webgpu', o, log);
  // The CPU's figure in the same run, for the ratio; wasm goes second, so WebGPU's device is set up first.
  if (values['no-wasm'] !== true) rows.push(...(await rowsFor('wasm', o, log)));
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
