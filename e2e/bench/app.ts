/**
 * Long tasks (over 50 ms, target 0) in the real app during training and projection. Drives the
 * build as a person would, through the page's automation contract: "Try the demo", "Train",
 * status data-state, a test item. A PerformanceObserver
 * (longtask, buffered) and a MutationObserver on the status, both installed before the app's
 * own scripts, time-stamp every long task and state change on the page's clock; a
 * requestAnimationFrame loop records every gap between frames over 20 ms, so the bench reports
 * the longest main-thread gap a person would see as a stutter (target under 50 ms) and how many
 * gaps were over 50 ms (one slow frame in a minute is not a stutter every second).
 */
import type { Browser, Page } from '@playwright/test';
import type { BenchRow } from '../../src/engine/bench/types';
import { errorMessage } from '../../src/engine/errors';
import { failedRow } from '../../src/cli/bench-rows';
import { DEFAULT_SETTINGS } from '../../src/store/defaults';
import { withTimeout } from './servers';

export interface AppBenchOptions {
  backend: string;
  size: number;
  latent: number;
  width: number;
  /** The demo's images are colour; the app picks the channels from the data. */
  channels: 1 | 3;
  epochs: number;
  batch: number;
  iterations: number;
  /** Cap on the whole flow. */
  timeoutMs: number;
  /** URL settings to open the app with instead of the ones above (the app's defaults for the rest). */
  query?: string;
}

interface Observed {
  /** The header's backend badge, e.g. "WASM, 2 threads: ...". */
  badge?: string;
  longTasks: { start: number; duration: number }[];
  /** Gaps between animation frames over 20 ms. */
  frameGaps: { start: number; duration: number }[];
  states: { state: string; t: number }[];
  /** The share of the training the page's main thread spent running tasks (CDP's TaskDuration), null where unread. */
  mainThreadBusyTraining?: number | null;
}

type Window = { __benchObserved?: Observed };

/**
 * Runs in the page before any of its scripts. A string, not a function: tsx wraps functions in
 * helpers (__name) that do not exist in the page.
 */
const OBSERVERS = `(() => {
  const seen = { longTasks: [], states: [], frameGaps: [] };
  window.__benchObserved = seen;
  let last = performance.now();
  const tick = (t) => {
    if (t - last > 20) seen.frameGaps.push({ start: last, duration: t - last });
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) seen.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    const state = document.querySelector('[data-testid="status"]')?.getAttribute('data-state');
    const last = seen.states[seen.states.length - 1];
    if (state && (!last || last.state !== state)) seen.states.push({ state, t: performance.now() });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})();`;

async function waitState(page: Page, state: string, timeout: number): Promise<void> {
  await page.locator(`[data-testid="status"][data-state="${state}"]`).waitFor({ timeout });
}

/** Drives demo, training and one projection; returns what the observers saw. */
async function drive(page: Page, url: string, o: AppBenchOptions): Promise<Observed> {
  const q = o.query !== undefined ? new URLSearchParams({ backend: o.backend, ...Object.fromEntries(new URLSearchParams(o.query)), test: '1' })
    : new URLSearchParams({ backend: o.backend, size: String(o.size), latent: String(o.latent), width: String(o.width),
      epochs: String(o.epochs), batch: String(o.batch), iterations: String(o.iterations), test: '1' });
  await page.goto(`${url}?${q}`);
  await waitState(page, 'idle', 120_000);
  await page.getByRole('button', { name: 'Try the demo' }).click();
  await page.getByTestId('test-item').first().waitFor({ timeout: 120_000 });
  await waitState(page, 'idle', 120_000);
  const busy = await mainThreadBusy(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitState(page, 'trained', o.timeoutMs);
  const mainThreadBusyTraining = await busy();
  await page.getByTestId('test-item').first().click();
  await waitState(page, 'done', o.timeoutMs);
  const seen = await page.evaluate(() => (window as unknown as Window).__benchObserved ?? { longTasks: [], states: [], frameGaps: [] });
  return { ...seen, mainThreadBusyTraining, badge: (await page.getByTestId('backend').textContent()) ?? '' };
}

/**
 * Starts counting the time the page's main thread runs tasks (script, style, layout, paint and
 * the frames' commits: Chromium's TaskDuration metric); the function returned gives the share
 * of the time since, or null where the metrics cannot be read. What the main thread takes, the
 * worker's threads do not get on a machine with few cores.
 */
async function mainThreadBusy(page: Page): Promise<() => Promise<number | null>> {
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const read = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
      return { task: value('TaskDuration'), at: value('Timestamp') };
    };
    const start = await read();
    return async () => {
      const end = await read().catch(() => null);
      const share = end === null ? Number.NaN : (end.task - start.task) / (end.at - start.at);
      return Number.isFinite(share) ? Math.round(share * 100) / 100 : null;
    };
  } catch {
    return () => Promise.resolve(null);
  }
}

/** [start, end) of the first `from` state and the next `to` state after it, on the page's clock. */
export function stateWindow(states: Observed['states'], from: string, to: string): { start: number; end: number } | null {
  const i = states.findIndex((s) => s.state === from);
  const j = states.findIndex((s, k) => k > i && s.state === to);
  const a = states[i];
  const b = states[j];
  return i >= 0 && a && b ? { start: a.t, end: b.t } : null;
}

/** Long tasks over 50 ms that overlap the window. */
export function longTasksIn(tasks: Observed['longTasks'], w: { start: number; end: number }): Observed['longTasks'] {
  return tasks.filter((t) => t.duration > 50 && t.start < w.end && t.start + t.duration > w.start);
}

const at = (t: { start: number; duration: number }, phase: 'training' | 'projection', w: { start: number }) => ({
  phase,
  atMs: Math.round(t.start - w.start),
  durationMs: Math.round(t.duration),
});

/** The working size the app trains at: the URL's size=, the app's default with other URL settings, else the bench's size. */
export function trainedSize(o: Pick<AppBenchOptions, 'size' | 'query'>): number {
  if (o.query === undefined) return o.size;
  const asked = new URLSearchParams(o.query).get('size');
  return asked === null ? DEFAULT_SETTINGS.model.size : Number(asked);
}

function toRow(seen: Observed, o: AppBenchOptions): BenchRow {
  const row = failedRow('chromium', o.query ? `app-${o.backend} ${o.query}` : `app-${o.backend}`, trainedSize(o), o, 'app: engine figures are timed in the engine rows');
  const train = stateWindow(seen.states, 'training', 'trained');
  const proj = stateWindow(seen.states, 'projecting', 'done');
  if (!train || !proj) return { ...row, skipped: [`app: states seen ${seen.states.map((s) => s.state).join(' > ')}`] };
  const inTrain = longTasksIn(seen.longTasks, train);
  const inProj = longTasksIn(seen.longTasks, proj);
  const gapsIn = (w: { start: number; end: number }) => seen.frameGaps.filter((g) => g.start < w.end && g.start + g.duration > w.start).map((g) => g.duration);
  const longestGap = (w: { start: number; end: number }) => Math.round(Math.max(0, ...gapsIn(w)));
  const gapsOver50 = (w: { start: number; end: number }) => gapsIn(w).filter((d) => d > 50).length;
  return {
    ...row,
    longTasksOver50ms: inTrain.length + inProj.length,
    skipped: [],
    app: {
      trainingMs: Math.round(train.end - train.start),
      projectionMs: Math.round(proj.end - proj.start),
      longTasksTraining: inTrain.length,
      longTasksProjection: inProj.length,
      longestTaskMs: Math.round(Math.max(0, ...[...inTrain, ...inProj].map((t) => t.duration))),
      longestFrameGapTrainingMs: longestGap(train),
      longestFrameGapProjectionMs: longestGap(proj),
      frameGapsOver50msTraining: gapsOver50(train),
      frameGapsOver50msProjection: gapsOver50(proj),
      longTasksWholeSession: seen.longTasks.length,
      mainThreadBusyTraining: seen.mainThreadBusyTraining ?? null,
      longTasks: [...inTrain.map((t) => at(t, 'training', train)), ...inProj.map((t) => at(t, 'projection', proj))],
      settings: { epochs: o.epochs, batch: o.batch, iterations: o.iterations },
      backend: seen.badge ?? '',
    },
  };
}

/** One row for the app on `o.backend`, longTasksOver50ms = long tasks during training plus projection. */
export async function benchApp(browser: Browser, url: string, o: AppBenchOptions, log: (l: string) => void): Promise<BenchRow> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`app page error: ${e.message}`));
    await page.addInitScript({ content: OBSERVERS });
    const seen = await withTimeout(drive(page, url, o), o.timeoutMs + 60_000, `app ${o.backend}`);
    const row = toRow(seen, o);
    log(`app ${o.backend} ${o.size}px: long tasks over 50 ms during training and projection: ${row.longTasksOver50ms ?? 'n/a'}`);
    return row;
  } catch (e) {
    log(`app ${o.backend}: ${errorMessage(e)}`);
    return failedRow('chromium', `app-${o.backend}`, o.size, o, `app: ${errorMessage(e)}`);
  } finally {
    await context.close();
  }
}
