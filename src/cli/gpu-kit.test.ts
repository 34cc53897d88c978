/**
 * The GPU kit as it would travel: packed into a temporary folder, copied away from the repo (no
 * node_modules around it), and run there. The wasm rows must have figures; the WebGPU row runs on
 * Chromium's SwiftShader Vulkan driver where Debian's Chromium is installed, else it must carry
 * the reason it could not start.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchRow } from '../engine/bench/types';

const run = promisify(execFile);
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gpu-kit-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run gpu-kit', () => {
  it('packs a folder that runs the WebGPU and wasm rows on its own', { timeout: 300_000 }, async () => {
    await run('npx', ['tsx', 'src/cli/gpu-kit.ts', '--out', join(root, 'built')], { cwd: process.cwd() });
    const kit = join(root, 'elsewhere', 'kit');
    await cp(join(root, 'built'), kit, { recursive: true });
    const env = { ...process.env, OUT: root, ...(existsSync(SWIFTSHADER) ? { VK_ICD_FILENAMES: SWIFTSHADER } : {}) };
    await run('bash', [join(kit, 'run.sh'), '--sizes', '16', '--repeats', '1', '--quick'], { cwd: root, env, maxBuffer: 16 * 2 ** 20 });
    const { runs } = JSON.parse(await readFile(join(root, 'bench-gpu.json'), 'utf8')) as { runs: BenchRow[] };
    const wasm = runs.find((r) => r.backend === 'wasm');
    const gpu = runs.find((r) => r.backend === 'webgpu');
    expect(wasm?.trainStepMs).toBeGreaterThan(0);
    expect(wasm?.projectionStepMs).toBeGreaterThan(0);
    if (existsSync(SWIFTSHADER)) {
      expect(gpu?.trainStepMs).toBeGreaterThan(0);
      expect(gpu?.skipped[0]).toBe('software adapter');
    } else {
      expect(gpu?.skipped[0]?.length ?? 0).toBeGreaterThan(0);
    }
  });
});
