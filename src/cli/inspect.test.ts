/**
 * The inspect command on a tiny untrained model written as the page exports it: a folder with a
 * symbolic link to a sub-folder and a file that is not an image, the CSV, the PNGs and the raw
 * maps it writes, and the one-line errors with exit code 2.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../engine/data/procedural';
import { toFloatImage } from '../engine/data/image';
import { smoothSigmaOf } from '../engine/limits';
import { createVae } from '../engine/model/vae';
import { scoreImage } from '../engine/score/pipeline';
import { modelInfo } from '../engine/testing/fixtures';
import type { Calibration, FloatImage, InputLayout, ModelDescription, ProjectionSettings } from '../engine/types';
import { modelParts, packModelFile } from '../worker/model/files';
import { decodeImageFile } from './decode';
import { encodePng } from './encode';
import { runInspect } from './inspect-run';
import { useNodeBackend } from './node-backend';

const run = promisify(execFile);
const config = { size: 16, channels: 3 as const, latent: 4, width: 4 };
const calibratedAt: ProjectionSettings = { alpha: 3, lambda: 0.1, iterations: 4, variant: 'weighted' };
const cal = (method: Calibration['method'], imageThreshold: number): Calibration =>
  ({ pixelThreshold: 0.05, imageThreshold, percentile: 0.99, scaleMax: 0.4, method, samples: 4 });
const description: ModelDescription = modelInfo({
  config,
  calibration: { residual: cal('residual', 0.21), projection: cal('projection', 0.17), at: calibratedAt },
});

let root = '';
const images = () => join(root, 'images');
const modelPath = () => join(root, 'model.zip');

async function writeModel(path: string, saved: ProjectionSettings | null, input?: InputLayout): Promise<void> {
  const vae = createVae(config, 5);
  try {
    const settings = saved && { projection: saved, thresholds: {} };
    await writeFile(path, packModelFile(await modelParts({ vae, description: input ? { ...description, input } : description }, settings)));
  } finally {
    vae.dispose();
  }
}

/** images/: two PNGs (one 24 px gray, so it is resized and turned to colour) and a text file; elsewhere/: one PNG, linked in as images/linked. */
async function writeImages(): Promise<void> {
  const demo = generateDemo({ family: 'tiles', size: 24, normal: 2, test: 1, seed: 2 });
  const gray = generateDemo({ family: 'stone', size: 24, channels: 1, normal: 1, test: 0, seed: 2 });
  await mkdir(images(), { recursive: true });
  await mkdir(join(root, 'elsewhere'), { recursive: true });
  await writeFile(join(images(), 'a.png'), encodePng(demo.normal[0]!));
  await writeFile(join(images(), 'b.png'), encodePng(gray.normal[0]!));
  await writeFile(join(images(), 'notes.txt'), 'not an image');
  await writeFile(join(root, 'elsewhere', 'c.png'), encodePng(demo.test[0]!.image));
  await symlink(join(root, 'elsewhere'), join(images(), 'linked'));
}

async function inspectCli(args: string[]): Promise<{ stderr: string; code: number }> {
  try {
    const { stderr } = await run('npx', ['tsx', 'src/cli/inspect.ts', ...args], { timeout: 120_000 });
    return { stderr, code: 0 };
  } catch (e) {
    const err = e as { stderr: string; code: number };
    return { stderr: err.stderr, code: err.code };
  }
}

function csvRows(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split('\n');
  const keys = (head ?? '').split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

function readF32(bytes: Buffer): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

beforeAll(async () => {
  await useNodeBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'ml-inspect-'));
  await writeModel(modelPath(), null);
  await writeImages();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run inspect', () => {
  it('scores every image under DIR, links followed, into a CSV, heat map PNGs and raw float32 maps', async () => {
    const out = join(root, 'out');
    const log: string[] = [];
    const before = tf.memory().numTensors;
    expect(await runInspect(['--model', modelPath(), images(), '--out', out, '--backend', 'cpu'], (l) => log.push(l))).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(log).toContain('skipped notes.txt: not a PNG, JPEG or TIFF image');
    expect(log).toContain('3/3 linked/c.png');
    expect(log).toContain('backend: cpu');

    const rows = csvRows(await readFile(join(out, 'results.csv'), 'utf8'));
    expect(rows.map((r) => `${r.file} ${r.method}`)).toEqual([
      'a.png residual', 'a.png projection', 'b.png residual', 'b.png projection', 'linked/c.png residual', 'linked/c.png projection',
    ]);
    for (const r of rows) {
      expect(r).toMatchObject({ width: '16', height: '16', alpha: '3', lambda: '0.1', iterations: '4', variant: 'weighted', threshold_stale: 'false' });
      expect(r.threshold).toBe(r.method === 'residual' ? '0.21' : '0.17');
      expect(r.verdict).toBe(Number(r.score) > Number(r.threshold) ? 'anomalous' : 'normal');
    }
    for (const stem of ['a', 'b', 'linked/c'])
      for (const method of ['residual', 'projection']) {
        expect((await stat(join(out, `${stem}.${method}.f32`))).size).toBe(16 * 16 * 4);
        const png = PNG.sync.read(await readFile(join(out, `${stem}.${method}.png`)));
        expect([png.width, png.height]).toEqual([16, 16]);
      }
    expect((await readdir(out)).sort()).toEqual(['a.projection.f32', 'a.projection.png', 'a.residual.f32', 'a.residual.png', 'b.projection.f32', 'b.projection.png', 'b.residual.f32', 'b.residual.png', 'linked', 'results.csv']);
  });

  it("writes the scoring pipeline's own map and score for an image", async () => {
    const out = join(root, 'out-same');
    expect(await runInspect(['--model', modelPath(), images(), '--out', out, '--backend', 'cpu'], () => undefined)).toBe(0);
    const vae = createVae(config, 5);
    try {
      const x0 = toFloatImage(await decodeImageFile(join(images(), 'b.png')), { size: 16, channels: 3 });
      const s = await scoreImage(vae, x0, { projection: calibratedAt, smoothSigma: smoothSigmaOf({ config }), methods: ['projection'] });
      expect(Array.from(readF32(await readFile(join(out, 'b.projection.f32'))))).toEqual(Array.from(s.projection!.map));
      const row = csvRows(await readFile(join(out, 'results.csv'), 'utf8')).find((r) => r.file === 'b.png' && r.method === 'projection');
      expect(Number(row?.score)).toBe(s.projection!.score);
    } finally {
      vae.dispose();
    }
  });

  it("uses the file's saved settings, lets the command line override them, and marks the threshold stale", async () => {
    const saved = join(root, 'saved.zip');
    await writeModel(saved, { alpha: 1, lambda: 0.2, iterations: 3, variant: 'plain' });
    const out = join(root, 'out-saved');
    const log: string[] = [];
    expect(await runInspect(['--model', saved, join(root, 'elsewhere'), '--out', out, '--backend', 'cpu', '--iterations', '2'], (l) => log.push(l))).toBe(0);
    expect(log.some((l) => /projection threshold is stale/.test(l))).toBe(true);
    const rows = csvRows(await readFile(join(out, 'results.csv'), 'utf8'));
    expect(rows.map((r) => [r.method, r.alpha, r.lambda, r.iterations, r.variant, r.threshold_stale])).toEqual([
      ['residual', '1', '0.2', '2', 'plain', 'false'],
      ['projection', '1', '0.2', '2', 'plain', 'true'],
    ]);
  });

  it("follows the model's layout: maps of a letterboxed image's own shape, and of a tiled image at the patch scale", async () => {
    const wide: FloatImage = { width: 48, height: 24, channels: 3, data: Float32Array.from({ length: 48 * 24 * 3 }, (_, i) => ((i * 7) % 11) / 11) };
    const dir = join(root, 'wide');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'wide.png'), encodePng(wide));
    const cases: [InputLayout, number[]][] = [
      [{ mode: 'whole', fit: 'letterbox' }, [16, 8]],
      [{ mode: 'whole', fit: 'squash' }, [16, 16]],
      // 48 x 24 at 1/2 is 24 x 12, scaled up to hold one 16 px tile: 32 x 16.
      [{ mode: 'patches', scale: 0.5, stride: 8 }, [32, 16]],
    ];
    for (const [input, size] of cases) {
      const file = join(root, `layout-${input.mode}.zip`);
      await writeModel(file, null, input);
      const out = join(root, `out-${input.mode}-${input.mode === 'whole' ? input.fit : input.scale}`);
      expect(await runInspect(['--model', file, dir, '--out', out, '--backend', 'cpu'], () => undefined)).toBe(0);
      const rows = csvRows(await readFile(join(out, 'results.csv'), 'utf8'));
      expect(rows.map((r) => [Number(r.width), Number(r.height)])).toEqual([size, size]);
      expect((await stat(join(out, 'wide.projection.f32'))).size).toBe(size[0]! * size[1]! * 4);
    }
  });

  it('refuses a file that is not a model with one line and exit code 2', async () => {
    const bad = join(root, 'bad.zip');
    await writeFile(bad, 'this is not a zip');
    const { stderr, code } = await inspectCli(['--model', bad, images(), '--out', join(root, 'never')]);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n').filter((l) => l.startsWith('inspect:'));
    expect(lines).toEqual([`inspect: ${bad}: This file is not a Manifold Lens model: it is not a zip archive (or the archive is damaged).`]);
    await expect(stat(join(root, 'never'))).rejects.toThrow();
  });

  it('says what is missing, with exit code 2, for no --model, no DIR and a folder without images', async () => {
    const cases: [string[], RegExp][] = [
      [[images(), '--out', join(root, 'x')], /--model MODEL\.zip is missing/],
      [['--model', modelPath(), join(root, 'nowhere'), '--out', join(root, 'x')], /nowhere does not exist/],
      [['--model', modelPath(), '--out', join(root, 'x')], /DIR is missing/],
      [['--model', modelPath(), join(root, 'no-images'), '--out', join(root, 'x')], /no PNG, JPEG or TIFF images/],
    ];
    await mkdir(join(root, 'no-images', 'sub'), { recursive: true });
    await writeFile(join(root, 'no-images', 'sub', 'notes.txt'), 'not an image');
    for (const [args, says] of cases) {
      const log: string[] = [];
      expect(await runInspect(args, (l) => log.push(l))).toBe(2);
      expect(log.filter((l) => l.startsWith('inspect:'))).toEqual([expect.stringMatching(says)]);
    }
  });
});
