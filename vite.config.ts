/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * The engine's tf-setup imports the umbrella @tensorflow/tfjs so that it loads in plain Node
 * (tsx) and Vitest; browser bundles get the lean tfjs-core-only variant instead.
 */
const browserTfSetup = {
  find: /^\.{1,2}\/tf-setup$/,
  replacement: fileURLToPath(new URL('./src/engine/tf-setup.browser.ts', import.meta.url)),
};

/**
 * The dev server injects inline scripts and styles (React refresh, CSS hot reload) that the
 * production Content Security Policy in index.html forbids, so `vite` (serve) drops that meta tag;
 * `vite build` and `vite preview` keep it.
 */
function devWithoutCsp(): Plugin {
  return {
    name: 'manifold-lens:dev-without-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<!--\s*Content Security Policy[\s\S]*?-->\s*<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
  };
}

/**
 * tfjs's threaded WASM module starts each of its threads by evaluating its own factory function's
 * source text (Function.prototype.toString) in a fresh worker. That source reads `_scriptDir`, a
 * variable of the closure around it, behind `typeof _scriptDir !== "undefined"`; the minifier
 * rewrites the guard to `e !== void 0` and the threads die with "e is not defined" (tfjs issue
 * 4253, its README's "JS Minification"). The guard is dropped before minifying: in this app's
 * module bundles `_scriptDir` is always undefined (no document.currentScript, no __filename).
 */
export const SCRIPT_DIR_GUARD = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';

export function threadedWasmMinifySafe(): Plugin {
  return {
    name: 'manifold-lens:threaded-wasm-minify-safe',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm-threaded-simd.js')) return null;
      if (!code.includes(SCRIPT_DIR_GUARD)) this.error(`${id}: the _scriptDir guard is not where it was (tfjs upgraded?); check the threaded build after minifying`);
      return { code: code.replace(SCRIPT_DIR_GUARD, ''), map: null };
    },
  };
}

/**
 * Cross-origin isolation (COOP + COEP): shared memory, so the WASM backend can run threads.
 * Every resource is same-origin, so require-corp blocks nothing. A static host must send the same
 * two headers (README, Deploying).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig(({ mode }) => ({
  plugins: [react(), devWithoutCsp(), threadedWasmMinifySafe()],
  resolve: { alias: process.env.VITEST ? [] : [browserTfSetup] },
  // Test hooks (window.__manifoldLens, the worker's test calls) only in builds for the tests:
  // `vite build --mode e2e` (the e2e suite and the bench), the dev server and Vitest.
  define: { __APP_VERSION__: JSON.stringify(pkg.version), __TEST_HOOKS__: JSON.stringify(mode !== 'production') },
  base: './',
  worker: { format: 'es', plugins: () => [threadedWasmMinifySafe()] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4000 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
}));
