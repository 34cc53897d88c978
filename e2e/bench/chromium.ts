/**
 * The Chromium half of `npm run bench`, engine part: one page per backend on Vite's dev
 * server, the shared timing code run in it through page.evaluate. Each size's result comes
 * back over the console as soon as it is done, so a backend that runs past its hard cap
 * still keeps the sizes it finished.
 */
import type { Browser, Page } from '@playwright/test';
import { errorMessage } from '../../src/engine/errors';
import type { BenchMeasurement, BenchOptions, BenchRow } from '../../src/engine/bench/types';
import { alternateRounds, type PairedRounds, type StepTimer } from '../../src/cli/bench-torch-paired';
import type { VaeConfig } from '../../src/engine/types';
import { failedRow } from '../../src/cli/bench-rows';
import type * as PageModule from './page';
import { LOG_TAG, PAGE_HTML, PAGE_MODULE, ROW_TAG, type PageResult } from './protocol';
import { withTimeout } from './servers';

export type PageOptions = Omit<BenchOptions, 'log' | 'onResult'>;

/** Slack past the backend budget for a last call that overruns it (a software GPU step takes seconds). */
const HARD_CAP_SLACK_MS = 60_000;

function listen(page: Page, log: (line: string) => void, rows: BenchMeasurement[]): void {
  page.on('console', (msg) => {
    const text = msg.text();
    if (text.startsWith(ROW_TAG)) rows.push(JSON.parse(text.slice(ROW_TAG.length)) as BenchMeasurement);
    else if (text.startsWith(LOG_TAG)) log(`chromium ${text.slice(LOG_TAG.length)}`);
    else if (msg.type() === 'error') log(`chromium console error: ${text}`);
  });
  page.on('pageerror', (e) => log(`chromium page error: ${e.message}`));
}

/** Only plain data crosses into the page (functions such as `log` cannot be serialised). */
function plain(o: PageOptions): PageOptions {
  const { sizes, repeats, sizeBudgetMs, backendBudgetMs, extras, latent, width, channels, batch, bottom, bottleneck } = o;
  return { sizes, repeats, sizeBudgetMs, backendBudgetMs, extras, latent, width, channels, batch, ...(bottom === undefined ? {} : { bottom }), ...(bottleneck === undefined ? {} : { bottleneck }) };
}

/** One backend as the page runs it: WASM once per thread count asked for. */
export interface PageRun {
  backend: string;
  threads: number;
  /** The row's backend column: the name, with the threads when more than one. */
  label: string;
}

export function pageRuns(backends: string[], wasmThreads: number[]): PageRun[] {
  return backends.flatMap((backend) =>
    backend === 'wasm'
      ? wasmThreads.map((threads) => ({ backend, threads, label: threads > 1 ? `wasm ${threads} threads` : 'wasm' }))
      : [{ backend, threads: 1, label: backend }],
  );
}

function runInPage(page: Page, run: PageRun, o: PageOptions): Promise<PageResult> {
  return page.evaluate(
    async ({ mod, backend, threads, o }) => {
      const m = (await import(/* @vite-ignore */ mod)) as typeof PageModule;
      return m.runInPage(backend, o, threads);
    },
    { mod: PAGE_MODULE, backend: run.backend, threads: run.threads, o: plain(o) },
  );
}

async function benchOne(browser: Browser, url: string, run: PageRun, o: PageOptions, log: (l: string) => void): Promise<BenchRow[]> {
  const backend = run.label;
  const page = await browser.newPage();
  const rows: BenchMeasurement[] = [];
  listen(page, log, rows);
  let note: string | null = null;
  try {
    await page.goto(`${url}${PAGE_HTML}`);
    const result = await withTimeout(runInPage(page, run, o), o.backendBudgetMs + HARD_CAP_SLACK_MS, `chromium ${backend}`);
    if (result.choice) log(`chromium ${backend}: ${result.choice.reason}${result.choice.adapterInfo ? ` [${result.choice.adapterInfo}]` : ''}`);
    if (result.error !== null) note = result.error;
  } catch (e) {
    note = errorMessage(e);
  } finally {
    await page.close();
  }
  if (note !== null) log(`chromium ${backend}: ${note}`);
  return o.sizes.map((size) => {
    const m = rows.find((r) => r.size === size);
    return m ? { ...m, backend, where: 'chromium' as const, longTasksOver50ms: null } : failedRow('chromium', backend, size, o, note ?? 'no result');
  });
}

/** Every backend (and WASM thread count) in its own page, one after another (they share two CPU cores). */
export async function benchChromium(browser: Browser, url: string, runs: PageRun[], o: PageOptions, log: (l: string) => void): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const run of runs) out.push(...(await benchOne(browser, url, run, o, log)));
  return out;
}

/**
 * A page's WASM training step for `config` on `threads` threads, timed from Node: for rounds
 * alternating with PyTorch's or another thread count's (src/cli/bench-torch-paired.ts).
 * close() closes the page.
 */
export async function pageTrainSteps(browser: Browser, url: string, config: VaeConfig, batch: number, threads = 1): Promise<{ steps: StepTimer; close(): Promise<void> }> {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}${PAGE_HTML}`);
    const error = await page.evaluate(
      async ({ mod, config, batch, threads }) => ((await import(/* @vite-ignore */ mod)) as typeof PageModule).readyTrainSteps(config, batch, threads),
      { mod: PAGE_MODULE, config, batch, threads },
    );
    if (error !== null) throw new Error(`the page's training step: ${error}`);
  } catch (e) {
    await page.close();
    throw e;
  }
  return {
    steps: (n) => page.evaluate(async ({ mod, n }) => ((await import(/* @vite-ignore */ mod)) as typeof PageModule).trainSteps(n), { mod: PAGE_MODULE, n }),
    close: () => page.close(),
  };
}

/**
 * One thread's training step against `threads` threads', each in its page, in alternating rounds
 * (both pages open, one idle while the other runs): the ratio is the threads' speedup.
 */
export async function pairThreads(browser: Browser, url: string, config: VaeConfig, batch: number, threads: number, rounds: number): Promise<PairedRounds> {
  const one = await pageTrainSteps(browser, url, config, batch, 1);
  try {
    const many = await pageTrainSteps(browser, url, config, batch, threads);
    try {
      return await alternateRounds(one.steps, many.steps, rounds);
    } finally {
      await many.close();
    }
  } finally {
    await one.close();
  }
}
