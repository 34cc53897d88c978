/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/**
 * The engine's tf-setup imports the umbrella @tensorflow/tfjs so that it loads in plain Node
 * (tsx) and Vitest; browser bundles get the lean tfjs-core-only variant instead.
 */
const browserTfSetup = {
  find: /^\.{1,2}\/tf-setup$/,
  replacement: fileURLToPath(new URL('./src/engine/tf-setup.browser.ts', import.meta.url)),
};

export default defineConfig({
  plugins: [react()],
  resolve: { alias: process.env.VITEST ? [] : [browserTfSetup] },
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4000 },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
