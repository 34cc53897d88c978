/**
 * npm run bench [-- --quick] [--out FILE] [--where node|chromium|all] [--sizes 32,64,128]
 *   [--backends wasm,cpu,webgpu,webgl] [--repeats N] [--no-app] [--no-torch]
 * Speed of the engine per backend and size, side by side in one run: in Node (wasm, cpu) and in
 * Chromium through Playwright (webgpu, webgl, wasm, cpu), plus the real app's main-thread long
 * tasks while it trains and projects. In Node, PyTorch runs the same network beside tfjs-wasm
 * (bench/torch_vae.py) when python3 has torch; --no-torch turns it off. Progress goes to stderr,
 * the tables to stdout, every figure to bench/results-<date>.json. The CPU of this machine is
 * shared: read medians, not single runs.
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { BenchEnv, BenchOptions, BenchRow } from '../engine/bench/types';
import { errorMessage } from '../engine/errors';
import { benchNode, type NodeBackend } from './bench-node';
import { defaultOutPath, formatBenchTable, formatKernelProfiles, writeResults } from './bench-report';
import { benchTorchBeside } from './bench-torch-compare';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_BACKENDS: NodeBackend[] = ['wasm', 'cpu'];
const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];
/** The app's default model (store/defaults.ts) and its demo's colour images. */
const MODEL = { latent: 32, width: 16, channels: 3 as const, batch: 16 };

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, out: { type: 'string' }, where: { type: 'string', default: 'all' },
    sizes: { type: 'string' }, backends: { type: 'string' }, repeats: { type: 'string' }, 'no-app': { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const USAGE = `usage: npm run bench -- [--quick] [--out FILE] [--where node|chromium|all] [--sizes 32,64,128]
  [--backends wasm,cpu,webgpu,webgl] [--repeats N] [--no-app] [--no-torch]`;

interface Plan {
  where: 'node' | 'chromium' | 'all';
  node: BenchOptions;
  chromium: BenchOptions;
  nodeBackends: NodeBackend[];
  browserBackends: string[];
  /** The app's flows to watch for long tasks; empty with --no-app. */
  appRuns: { backend: string; epochs: number; iterations: number }[];
}

function listArg(raw: string | undefined, fallback: string[]): string[] {
  return raw === undefined ? fallback : raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function planFromArgs(log: (l: string) => void): Plan {
  const quick = values.quick === true;
  const where = values.where;
  if (where !== 'node' && where !== 'chromium' && where !== 'all') throw new Error(`--where must be node, chromium or all, got "${where}"`);
  const sizes = listArg(values.sizes, quick ? ['32'] : ['32', '64', '128']).map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 16)) throw new Error(`--sizes must list whole numbers >= 16, got "${values.sizes}"`);
  const repeats = values.repeats === undefined ? (quick ? 3 : 7) : Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a whole number >= 1, got "${values.repeats}"`);
  const wanted = listArg(values.backends, [...BROWSER_BACKENDS]);
  const common = { ...MODEL, sizes, repeats, log, extras: !quick };
  return {
    where,
    // Budgets keep the full run under about 20 minutes and --quick under about 5 on two shared cores.
    node: { ...common, sizeBudgetMs: quick ? 20_000 : 60_000, backendBudgetMs: quick ? 25_000 : 150_000 },
    chromium: { ...common, sizeBudgetMs: quick ? 25_000 : 60_000, backendBudgetMs: quick ? 25_000 : 130_000 },
    nodeBackends: NODE_BACKENDS.filter((b) => wanted.includes(b)),
    browserBackends: BROWSER_BACKENDS.filter((b) => wanted.includes(b)),
    // WebGPU here is a software adapter (about 15 s per training step at 32 px): a short flow.
    appRuns: values['no-app'] === true ? [] : quick ? [{ backend: 'wasm', epochs: 2, iterations: 40 }]
      : [{ backend: 'wasm', epochs: 4, iterations: 40 }, { backend: 'webgpu', epochs: 1, iterations: 10 }],
  };
}

async function runChromium(p: Plan, log: (l: string) => void): Promise<BenchRow[]> {
  // Loaded only when needed: Node-only runs must not require Playwright or Vite.
  const { launchChromium, startDevServer, startAppPreview } = await import('../../e2e/bench/servers');
  const { benchChromium } = await import('../../e2e/bench/chromium');
  const { benchApp } = await import('../../e2e/bench/app');
  const rows: BenchRow[] = [];
  const browser = await launchChromium();
  try {
    if (p.browserBackends.length > 0) {
      const dev = await startDevServer();
      try {
        rows.push(...(await benchChromium(browser, dev.url, p.browserBackends, p.chromium, log)));
      } finally {
        await dev.close();
      }
    }
    if (p.appRuns.length > 0) {
      log('app: building and previewing the production build');
      const app = await startAppPreview();
      try {
        const size = Math.min(...p.chromium.sizes);
        for (const run of p.appRuns) rows.push(await benchApp(browser, app.url, { ...MODEL, size, ...run, timeoutMs: 240_000 }, log));
      } finally {
        await app.close();
      }
    }
  } finally {
    await browser.close();
  }
  return rows;
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
  let torchText = '';
  if (p.where !== 'chromium') {
    const nodeRows = await benchNode(p.nodeBackends, p.node);
    rows.push(...nodeRows);
    if (values['no-torch'] !== true) {
      const torch = await benchTorchBeside(nodeRows, p.node);
      rows.push(...torch.rows);
      torchText = torch.text;
    }
  }
  if (p.where !== 'node') rows.push(...(await runChromium(p, log)));
  const out = values.out ? path.resolve(values.out) : defaultOutPath(ROOT, new Date());
  await writeResults(out, rows.map((r) => ({ ...r, env })));
  console.log(formatBenchTable(rows));
  const profiles = formatKernelProfiles(rows);
  if (profiles.length > 0) console.log(`\n${profiles}`);
  if (torchText.length > 0) console.log(`\n${torchText}`);
  log(`bench: ${Math.round((Date.now() - started) / 1000)} s; wrote ${path.relative(process.cwd(), out) || out}`);
}

main().catch((e: unknown) => {
  console.error(`bench: ${errorMessage(e)}`);
  process.exit(1);
});
