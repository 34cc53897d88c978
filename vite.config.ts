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

export default defineConfig(({ mode }) => ({
  plugins: [react(), devWithoutCsp()],
  resolve: { alias: process.env.VITEST ? [] : [browserTfSetup] },
  // Test hooks (window.__manifoldLens, the worker's test calls) only in builds for the tests:
  // `vite build --mode e2e` (the e2e suite and the bench), the dev server and Vitest.
  define: { __APP_VERSION__: JSON.stringify(pkg.version), __TEST_HOOKS__: JSON.stringify(mode !== 'production') },
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4000 },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
}));
