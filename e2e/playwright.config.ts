/**
 * End-to-end tests against the production build (vite build + preview), in Debian's Chromium
 * (never a downloaded browser) with WebGPU enabled. Here WebGPU is a software adapter
 * (SwiftShader) and slow, so the tests use tiny URL settings; one worker, long timeouts.
 */
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const root = fileURLToPath(new URL('..', import.meta.url));
/** E2E_PORT lets several runs share a machine; each builds into its own folder. */
export const PORT = Number(process.env.E2E_PORT ?? 4179);
const OUT_DIR = `dist-e2e/${PORT}`;

export default defineConfig({
  testDir: '.',
  outputDir: process.env.E2E_PORT ? `${root}/test-results/playwright-${PORT}` : `${root}/test-results/playwright`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 6 * 60_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}/`,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    command: `npx vite build --mode e2e --outDir ${OUT_DIR} --emptyOutDir && npx vite preview --outDir ${OUT_DIR} --port ${PORT} --strictPort`,
    cwd: root,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: false,
    timeout: 180_000,
  },
});
