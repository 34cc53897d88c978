/**
 * The eval command end to end: a small MVTec-layout folder written from the
 * procedural generator, run through `tsx src/cli/eval.ts --data DIR` as a child
 * process, and the JSON report it writes.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, type TextureFamily } from '../engine/data/procedural';
import { encodeMaskPng, encodePng } from './encode';

const run = promisify(execFile);
let root = '';

async function put(path: string, bytes: Buffer): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, bytes);
}

async function writeCategory(name: string, family: TextureFamily, channels: 1 | 3): Promise<void> {
  const demo = generateDemo({ family, size: 24, channels, normal: 6, test: 5, seed: 3 });
  for (const [i, img] of demo.normal.entries()) await put(join(root, name, 'train/good', `${i}.png`), encodePng(img));
  for (const t of demo.test) {
    const type = t.kind === 'good' ? 'good' : t.kind;
    await put(join(root, name, 'test', type, `${t.name}.png`), encodePng(t.image));
    if (type !== 'good') await put(join(root, name, 'ground_truth', type, `${t.name}_mask.png`), encodeMaskPng(t.mask));
  }
}

async function evalCli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/eval.ts', ...args], { timeout: 120_000 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ml-eval-'));
  await writeCategory('gray_stone', 'stone', 1);
  await writeCategory('tiles', 'tiles', 3);
  await writeFile(join(root, 'manifest.json'), '{}');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run eval --data DIR', () => {
  it('trains per category and writes the report shaped as documented', async () => {
    const out = join(root, 'report.json');
    const args = ['--data', root, '--size', '16', '--epochs', '2', '--latent', '8', '--width', '4', '--batch', '4', '--iterations', '3', '--json', out];
    const { stdout, stderr, code } = await evalCli(args);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/gray_stone/);
    expect(stdout).toMatch(/mean/);
    expect(stdout).toMatch(/AUPRO residual/);
    expect(stderr).toMatch(/epoch 2\/2/);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(report.categories)).toEqual(['gray_stone', 'tiles']);
    expect(report.settings).toMatchObject({ size: 16, epochs: 2, iterations: [3] });
    for (const cat of Object.values(report.categories) as Record<string, Record<string, number>>[]) {
      for (const metric of ['pixelAuroc', 'aupro', 'imageAuroc'])
        for (const method of ['residual', 'projection']) {
          expect(cat[metric]![method]).toBeGreaterThanOrEqual(0);
          expect(cat[metric]![method]).toBeLessThanOrEqual(1);
        }
      expect(cat.trainSeconds).toBeGreaterThan(0);
      expect(cat.msPerProjectionStep).toBeGreaterThan(0);
      // Per defect type, pixel and image ROC AUC, both methods, the same types.
      const [pixel, image] = [cat.byDefect, cat.imageByDefect] as unknown as Record<string, Record<string, number>>[];
      const types = Object.keys(pixel ?? {});
      expect(types.length).toBeGreaterThan(0);
      expect(Object.keys(image ?? {})).toEqual(types);
      for (const type of types)
        for (const method of ['residual', 'projection']) {
          expect(image?.[type]?.[method]).toBeGreaterThanOrEqual(0);
          expect(image?.[type]?.[method]).toBeLessThanOrEqual(1);
        }
    }
    expect(report.mean.pixelAuroc.projection).toBeCloseTo(
      (report.categories.gray_stone.pixelAuroc.projection + report.categories.tiles.pixelAuroc.projection) / 2, 10);
  });

  it('names what is missing in one line when the folder is wrong', async () => {
    const { stderr, code } = await evalCli(['--data', join(root, 'nowhere')]);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n').filter((l) => l.startsWith('eval:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('nowhere');
  });

  it('rejects a bad number with the option name', async () => {
    const { stderr, code } = await evalCli(['--size', 'big']);
    expect(code).toBe(1);
    expect(stderr).toContain('--size must be a number');
  });
});
