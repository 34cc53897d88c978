/**
 * npm run bench [-- --quick] [--out FILE] [--where node|chromium|all] [--sizes 32,64,128]
 *   [--backends wasm,cpu,webgpu,webgl] [--repeats N] [--no-app] [--no-torch] [--no-tiles]
 * Speed of the engine per backend and size, side by side in one run: in Node (wasm, cpu) and in
 * Chromium through Playwright (webgpu, webgl, wasm, cpu), plus the real app's main-thread long
 * tasks while it trains and projects. In Node, PyTorch runs the same network beside tfjs-wasm
 * (bench/torch_vae.py) when python3 has torch; --no-torch turns it off. Patch mode's rows (a
 * tiled projection step against the number of tiles, wasm in Node) follow; --no-tiles skips them.
 * --app QUERY (repeatable) times the app's flow at those URL settings (the app's defaults for the
 * rest, WASM) instead of the usual short runs; a QUERY that sets no model or training parameter
 * trains the demo's own settings (store/defaults.ts DEMO_SETTINGS), as Try the demo does. In Chromium, WASM runs once per --threads count (1,2: the page is cross-origin isolated). In
 * Chromium, the worker's memory with --memory-images N photos of 2 MP loaded (2000; 200 with
 * --quick; 0 skips it). Progress goes to stderr,
 * the tables to stdout, every figure to bench/results-<date>.json. The CPU of this machine is
 * shared: read medians, not single runs.
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { BenchEnv, BenchOptions, BenchRow } from '../engine/bench/types';
import { errorMessage } from '../engine/errors';
import { APP_MODEL, DEMO_MODEL, FIRST_MODEL, listArg, repeatsArg, sizesArg, threadRoundSizes } from './bench-args';
import { benchNode, type NodeBackend } from './bench-node';
import { defaultOutPath, formatBenchTable, formatKernelProfiles, writeResults } from './bench-report';
import { benchTorchBeside, type TorchBeside } from './bench-torch-compare';
import type { PairedRounds } from './bench-torch-paired';
import type { VaeConfig } from '../engine/types';
import { benchModelConfig } from '../engine/bench/measure';
import { benchTilesNode, formatTileTable } from './bench-tiles';
import type { TileBenchRow } from '../engine/bench/tiles';
import type { MemoryFigures } from '../../e2e/bench/memory';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_BACKENDS: NodeBackend[] = ['wasm', 'cpu'];
const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, out: { type: 'string' }, where: { type: 'string', default: 'all' },
    sizes: { type: 'string' }, backends: { type: 'string' }, repeats: { type: 'string' }, 'no-app': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false }, 'no-tiles': { type: 'boolean', default: false },
    'memory-images': { type: 'string' }, threads: { type: 'string' }, app: { type: 'string', multiple: true },
    model: { type: 'string', default: 'first' },
    help: { type: 'boolean', default: false },
  },
});

const MODELS = { first: FIRST_MODEL, app: APP_MODEL, demo: DEMO_MODEL } as const;
const modelName = values.model ?? 'first';
if (!(modelName in MODELS)) throw new Error(`--model must be first, app or demo, got "${modelName}"`);
/** The model the engine rows time: the first default (the default, comparable across runs), the app's or the demo's. */
const MODEL: (typeof MODELS)[keyof typeof MODELS] = MODELS[modelName as keyof typeof MODELS];

const USAGE = `usage: npm run bench -- [--quick] [--out FILE] [--where node|chromium|all] [--sizes 32,64,128]
  [--backends wasm,cpu,webgpu,webgl] [--repeats N] [--no-app] [--no-torch] [--no-tiles] [--memory-images N] [--threads 1,2]
  [--model first|app|demo] [--app QUERY]...  (the app's flow with these URL settings instead, e.g. --app "epochs=30&batch=16&threads=1")`;

interface Plan {
  where: 'node' | 'chromium' | 'all';
  node: BenchOptions;
  chromium: BenchOptions;
  nodeBackends: NodeBackend[];
  browserBackends: string[];
  /** WASM thread counts for the Chromium rows (the page is cross-origin isolated). */
  wasmThreads: number[];
  /** The app's flows to watch for long tasks; empty with --no-app. */
  appRuns: { backend: string; epochs: number; iterations: number; query?: string }[];
  /** Photos of 2 MP loaded for the worker-memory figure; 0 skips it. */
  memoryImages: number;
}

function memoryImages(raw: string | undefined, quick: boolean): number {
  if (raw === undefined) return quick ? 200 : 2000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--memory-images must be a whole number >= 0, got "${raw}"`);
  return n;
}

function threadCounts(raw: string | undefined): number[] {
  const counts = listArg(raw, ['1', '2']).map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--threads must list whole numbers >= 1, got "${raw}"`);
  return counts;
}

function planFromArgs(log: (l: string) => void): Plan {
  const quick = values.quick === true;
  const where = values.where;
  if (where !== 'node' && where !== 'chromium' && where !== 'all') throw new Error(`--where must be node, chromium or all, got "${where}"`);
  const sizes = sizesArg(values.sizes, quick ? ['32'] : ['32', '64', '128']);
  const repeats = repeatsArg(values.repeats, quick ? 3 : 7);
  const wanted = listArg(values.backends, [...BROWSER_BACKENDS]);
  const common = { ...MODEL, sizes, repeats, log, extras: !quick };
  return {
    where,
    // Budgets keep the full run under about 20 minutes and --quick under about 5 on two shared cores.
    node: { ...common, sizeBudgetMs: quick ? 20_000 : 60_000, backendBudgetMs: quick ? 25_000 : 150_000 },
    chromium: { ...common, sizeBudgetMs: quick ? 25_000 : 60_000, backendBudgetMs: quick ? 25_000 : 130_000 },
    nodeBackends: NODE_BACKENDS.filter((b) => wanted.includes(b)),
    browserBackends: BROWSER_BACKENDS.filter((b) => wanted.includes(b)),
    wasmThreads: threadCounts(values.threads),
    // WebGPU here is a software adapter (about 15 s per training step at 32 px): a short flow.
    // The app's own default training too (64 px, 20 epochs of batch 4, seconds long): the frame
    // gaps and the main thread's share of a training a person waits for.
    appRuns: values['no-app'] === true ? [] : values.app ? values.app.map(appDefaultsWith)
      : quick ? [{ backend: 'wasm', epochs: 2, iterations: 40 }, appDefaultsWith('size=64')]
      : [{ backend: 'wasm', epochs: 4, iterations: 40 }, appDefaultsWith('size=64'), { backend: 'webgpu', epochs: 1, iterations: 10 }],
    memoryImages: memoryImages(values['memory-images'], quick),
  };
}

/** The app's flow on WASM with these URL settings and the app's defaults for the rest. */
const appDefaultsWith = (query: string) => ({ backend: 'wasm', epochs: 0, iterations: 0, query });

interface ChromiumResults {
  rows: BenchRow[];
  memory: MemoryFigures | null;
  /** One WASM thread against the most asked for, in alternating rounds: a line to print per size. */
  threads: string[];
}

/** A tfjs training step of the page, opened for a config: for the rounds alternating with PyTorch's. */
type PageSteps = Parameters<TorchBeside['pairWith']>[1];

async function runChromium(p: Plan, log: (l: string) => void, pairWithTorch?: (open: PageSteps) => Promise<void>): Promise<ChromiumResults> {
  // Loaded only when needed: Node-only runs must not require Playwright or Vite.
  const { launchChromium, startDevServer, startAppPreview } = await import('../../e2e/bench/servers');
  const { benchChromium, pageRuns, pageTrainSteps, pairThreads } = await import('../../e2e/bench/chromium');
  const { benchApp } = await import('../../e2e/bench/app');
  const { benchMemory } = await import('../../e2e/bench/memory');
  const rows: BenchRow[] = [];
  let memory: MemoryFigures | null = null;
  const threads: string[] = [];
  const browser = await launchChromium();
  try {
    if (p.browserBackends.length > 0) {
      const dev = await startDevServer();
      try {
        rows.push(...(await benchChromium(browser, dev.url, pageRuns(p.browserBackends, p.wasmThreads), p.chromium, log)));
        if (pairWithTorch && p.browserBackends.includes('wasm')) {
          log('chromium wasm: training steps in alternating rounds with PyTorch');
          await pairWithTorch(({ batch, ...config }) => pageTrainSteps(browser, dev.url, config, batch));
        }
        const most = Math.max(...p.wasmThreads);
        if (p.browserBackends.includes('wasm') && most > 1) {
          log(`chromium wasm: training steps of 1 and ${most} threads in alternating rounds`);
          for (const size of threadRoundSizes(p.chromium.sizes)) {
            threads.push(await threadsLine(p, size, most, (config, batch, rounds) => pairThreads(browser, dev.url, config, batch, most, rounds)));
          }
        }
      } finally {
        await dev.close();
      }
    }
    if (p.appRuns.length > 0 || p.memoryImages > 0) {
      log('app: building and previewing the production build');
      const app = await startAppPreview();
      try {
        const size = Math.min(...p.chromium.sizes);
        for (const run of p.appRuns) rows.push(await benchApp(browser, app.url, { ...FIRST_MODEL, size, ...run, timeoutMs: 240_000 }, log));
        if (p.memoryImages > 0) memory = await benchMemory(browser, app.url, p.memoryImages, log).catch((e: unknown) => (log(`memory: ${errorMessage(e)}`), null));
      } finally {
        await app.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { rows, memory, threads };
}

/** The bench's model at `size`, one thread against `most` in alternating rounds: the line to print. */
async function threadsLine(p: Plan, size: number, most: number, pair: (config: VaeConfig, batch: number, rounds: number) => Promise<PairedRounds>): Promise<string> {
  const { batch, repeats } = p.chromium;
  try {
    const r = await pair(benchModelConfig(size, p.chromium), batch, Math.max(3, repeats));
    const speedups = r.rounds.map((x) => x.ratio.toFixed(2)).join(', ');
    return `chromium wasm ${size}px train step, batch ${batch}, 1 thread against ${most} in alternating rounds of ${r.steps} steps: ${r.firstMs.toFixed(1)} against ${r.secondMs.toFixed(1)} ms; speedup each round ${speedups}, median ${r.ratio.toFixed(2)}`;
  } catch (e) {
    return `chromium wasm ${size}px: 1 thread against ${most} in alternating rounds failed: ${errorMessage(e)}`;
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function formatMemory(m: MemoryFigures): string {
  const total = (x: MemoryFigures['before']) => x.heap + (x.buffers ?? 0);
  const buffers = m.after.buffers === null ? 'ArrayBuffers not reported by this Chromium' : `ArrayBuffers ${mb(m.after.buffers)}`;
  return `Worker memory with ${m.images} photos of ${m.width}x${m.height} loaded: ${mb(total(m.after))} (heap ${mb(m.after.heap)}, ${buffers}; ${mb(total(m.before))} before), ` +
    `${(m.perImage / 1024).toFixed(0)} kB per photo; bound ${mb(m.bound)}; made and loaded in ${(m.loadMs / 1000).toFixed(0)} s, ` +
    `of which decoded and stored in the worker ${(m.decodeMs / 1000).toFixed(1)} s (${(m.decodeMs / m.images).toFixed(1)} ms a photo)`;
}

function envNow(quick: boolean): BenchEnv {
  return { date: new Date().toISOString(), cpus: cpus().length, loadAverage: loadavg().map((v) => Math.round(v * 100) / 100), node: process.version, quick };
}

async function main(): Promise<void> {
  if (values.help) return void console.log(USAGE);
  const log = (line: string) => console.error(line);
  const p = planFromArgs(log);
  const env = envNow(values.quick === true);
  const started = Date.now();
  log(`bench: ${env.cpus} CPUs, load ${env.loadAverage.join(' ')} (shared machine: expect noise)`);
  const rows: BenchRow[] = [];
  let torch: TorchBeside | null = null;
  let tiles: TileBenchRow[] = [];
  if (p.where !== 'chromium') {
    const nodeRows = await benchNode(p.nodeBackends, p.node);
    rows.push(...nodeRows);
    if (values['no-torch'] !== true && modelName !== 'first') log(`bench: no PyTorch rows with --model ${modelName} (the mirror has the first model's depth and dense bottleneck)`);
    if (values['no-torch'] !== true && modelName === 'first') {
      torch = await benchTorchBeside(nodeRows, p.node);
      rows.push(...torch.rows);
    }
    if (values['no-tiles'] !== true && p.nodeBackends.includes('wasm')) tiles = await benchTilesNode(values.quick === true, log);
  }
  let memory: MemoryFigures | null = null;
  let chromiumPaired: string | null = null;
  let threadsPaired: string[] = [];
  if (p.where !== 'node') {
    const pairWithTorch = torch ? async (open: PageSteps) => void (chromiumPaired = await torch!.pairWith(', Chromium', open)) : undefined;
    const chromium = await runChromium(p, log, pairWithTorch);
    rows.push(...chromium.rows);
    memory = chromium.memory;
    threadsPaired = chromium.threads;
  }
  const out = values.out ? path.resolve(values.out) : defaultOutPath(ROOT, new Date());
  const alternating = [chromiumPaired, ...threadsPaired].filter((line): line is string => line !== null);
  await writeResults(out, rows.map((r) => ({ ...r, env })), { tiles, memory, alternating });
  console.log(formatBenchTable(rows));
  if (tiles.length > 0) console.log(`\nTiled projection step (patch mode, default 64 px model):\n${formatTileTable(tiles)}`);
  const profiles = formatKernelProfiles(rows);
  if (profiles.length > 0) console.log(`\n${profiles}`);
  if (torch) console.log(`\n${torch.withChromium(rows.filter((r) => r.where === 'chromium'))}${chromiumPaired === null ? '' : `\n${chromiumPaired}`}`);
  if (threadsPaired.length > 0) console.log(`\n${threadsPaired.join('\n')}`);
  if (memory) console.log(`\n${formatMemory(memory)}`);
  log(`bench: ${Math.round((Date.now() - started) / 1000)} s; wrote ${path.relative(process.cwd(), out) || out}`);
}

main().catch((e: unknown) => {
  console.error(`bench: ${errorMessage(e)}`);
  process.exit(1);
});
