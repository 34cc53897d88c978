/**
 * Servers and the browser for the Chromium half of the benchmark: Vite's dev server for the
 * engine's timing page, a production build plus `vite preview` for the app, and Debian's
 * Chromium (never a downloaded browser) with WebGPU enabled.
 */
import { chromium, type Browser } from '@playwright/test';
import { createServer as netServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, preview, type InlineConfig, type Plugin } from 'vite';
import { PAGE_MODULE } from './protocol';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));


export interface Running {
  url: string;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const base: InlineConfig = { configFile: path.join(ROOT, 'vite.config.ts'), root: ROOT, logLevel: 'warn', clearScreen: false };

/**
 * vite.config.ts keeps tfjs-backend-wasm out of dependency pre-bundling (for the build), but
 * served unbundled in dev its CommonJS worker file fails to import ("does not provide an export
 * named 'wasmWorkerContents'"), so the benchmark page pre-bundles it like any dependency.
 */
const prebundleWasm: Plugin = {
  name: 'bench-prebundle-tfjs-wasm',
  config(c) {
    if (c.optimizeDeps) c.optimizeDeps.exclude = (c.optimizeDeps.exclude ?? []).filter((d) => d !== '@tensorflow/tfjs-backend-wasm');
  },
};

/**
 * The dev server, with the page's dependencies pre-bundled before the first request: a
 * dependency found later would make Vite re-bundle and reload the page mid-benchmark.
 * No HMR and no file watching: other people's edits must not reload the page either.
 */
export async function startDevServer(): Promise<Running> {
  const port = await freePort();
  const server = await createServer({
    ...base,
    plugins: [prebundleWasm],
    // Its own dependency cache: another dev server on this checkout (other config, other deps)
    // must not re-bundle under the page's feet.
    cacheDir: path.join(ROOT, 'node_modules', '.vite-bench'),
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
    optimizeDeps: { entries: [PAGE_MODULE.slice(1)] },
  });
  await server.listen();
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** `vite build` into a temporary folder (never dist/, which the e2e suite uses) and `vite preview` of it. */
export async function startAppPreview(): Promise<Running> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'manifold-bench-'));
  await build({ ...base, mode: 'e2e', logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  const server = await preview({ ...base, build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Resolves with `p`, or rejects after `ms` (the caller then closes the page to stop the work). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} ran past ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
