/**
 * The production build carries no test-hook code: `vite build` (mode production) must not
 * contain the markers of the test hook (window.__manifoldLens) or of the worker's test calls,
 * while a build made for the tests (mode e2e) must contain them (so the markers are the right ones).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const MARKERS = ['__manifoldLens', 'projectMany', 'loseDevice', 'evaluationData'];

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.map') ? [] : [p];
  });
}

function markersIn(mode) {
  const out = mkdtempSync(path.join(tmpdir(), `manifold-bundle-${mode}-`));
  try {
    const env = { ...process.env };
    delete env.VITEST;
    execFileSync('npx', ['vite', 'build', '--mode', mode, '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { stdio: 'inherit', env });
    const text = files(out).map((f) => readFileSync(f, 'latin1')).join('\n');
    return MARKERS.filter((m) => text.includes(m));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const production = markersIn('production');
const forTests = markersIn('e2e');
if (production.length > 0) {
  console.error(`The production bundle contains test-hook code: ${production.join(', ')}`);
  process.exit(1);
}
if (forTests.length !== MARKERS.length) {
  console.error(`The e2e build lacks test-hook markers (${MARKERS.filter((m) => !forTests.includes(m)).join(', ')}): the check would prove nothing.`);
  process.exit(1);
}
console.log(`production bundle: none of ${MARKERS.join(', ')}; the e2e build has all ${MARKERS.length}.`);
