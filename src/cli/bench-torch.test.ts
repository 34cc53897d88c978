import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../engine/bench/types';
import { benchTorchBeside, engineParamCount, formatTorchComparison, type TorchRow } from './bench-torch-compare';
import { findTorchPython, parseTorchOutput, runTorchBench, runTorchScript, type TorchConfig } from './bench-torch';

/** The app's default model (store/defaults.ts) with the bench's colour images and batch. */
const DEFAULT: TorchConfig = { size: 64, channels: 3, latent: 32, width: 16, batch: 16 };
/** Grayscale, a narrower net, a given depth past the default and past the width cap (6 levels at 128 px). */
const OTHER: TorchConfig = { size: 128, channels: 1, latent: 8, width: 4, batch: 4, depth: 6 };

// Torch is optional (the bench prints a note without it): the count checks need it.
const found = await findTorchPython();
const torchAvailable = 'python' in found;

async function torchParams(config: TorchConfig): Promise<number> {
  if (!('python' in found)) throw new Error(found.note);
  const out = await runTorchScript(found.python, config, { threads: 1, repeats: 1, paramsOnly: true });
  if (!out.ok) throw new Error(out.note);
  return out.figures.params;
}

describe('parseTorchOutput', () => {
  it('reads the last JSON line, times in ms', () => {
    const line = JSON.stringify({ torch: '1.13.1', threads: 1, params: 616659, mkldnn: true, freedMemoryKept: true, trainStepMs: 140.5, projectionStepMs: 22, projectionBatchStepMs: 130 });
    const f = parseTorchOutput(`some warning\n${line}\n`);
    expect(f).toEqual({ torch: '1.13.1', threads: 1, params: 616659, mkldnn: true, freedMemoryKept: true, trainStepMs: 140.5, projectionStepMs: 22, projectionBatchStepMs: 130, convMs: null, matmulMs: null, kernels: null });
  });

  it('reads the kernels timed alone with their shapes, and refuses bad shapes', () => {
    const kernels = { batch: 16, size: 64, width: 16, matmul: 512 };
    const f = parseTorchOutput(JSON.stringify({ torch: '1.13.1', threads: 1, params: 1, convMs: 4.5, matmulMs: 3, kernels }));
    expect([f.convMs, f.matmulMs, f.kernels]).toEqual([4.5, 3, kernels]);
    expect(() => parseTorchOutput(JSON.stringify({ torch: '1', threads: 1, params: 1, kernels: { ...kernels, width: 0 } }))).toThrow(/kernel shapes/);
    expect(() => parseTorchOutput(JSON.stringify({ torch: '1', threads: 1, params: 1, convMs: -1 }))).toThrow(/convMs/);
  });

  it('gives null times for a --params-only line', () => {
    const f = parseTorchOutput(JSON.stringify({ torch: '2.1', threads: 2, params: 10 }));
    expect([f.trainStepMs, f.projectionStepMs, f.projectionBatchStepMs, f.mkldnn, f.freedMemoryKept]).toEqual([null, null, null, null, null]);
  });

  it('refuses output that is not the script line', () => {
    expect(() => parseTorchOutput('Traceback (most recent call last):')).toThrow(/no JSON line/);
    expect(() => parseTorchOutput('[1]')).toThrow(/not an object/);
    expect(() => parseTorchOutput(JSON.stringify({ torch: '1', threads: 0, params: 1 }))).toThrow(/thread count/);
    expect(() => parseTorchOutput(JSON.stringify({ torch: '1', threads: 1, params: 1.5 }))).toThrow(/parameter count/);
    expect(() => parseTorchOutput(JSON.stringify({ torch: '1', threads: 1, params: 1, trainStepMs: 'x' }))).toThrow(/trainStepMs/);
  });
});

describe('the skip path', () => {
  it('returns a note, not an error, when the interpreter cannot import torch', async () => {
    const out = await runTorchBench(DEFAULT, { threads: 1, repeats: 1, pythons: ['/nonexistent/python3'] });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.note).toMatch(/^PyTorch rows skipped: \/nonexistent\/python3 -c 'import torch' failed: .*ENOENT/);
  });

  it('has no alternating rounds without tfjs-wasm figures, and says why instead of opening a page', async () => {
    const beside = await benchTorchBeside([], { latent: 32, width: 16, channels: 3, batch: 16, repeats: 1, sizeBudgetMs: 1000 });
    let opened = false;
    const line = await beside.pairWith(', Chromium', async () => {
      opened = true;
      return { steps: async () => 1, close: async () => undefined };
    });
    expect(opened).toBe(false);
    expect(line).toMatch(/^PyTorch rows skipped: no tfjs-wasm figures/);
  });

  it('names each interpreter tried', async () => {
    // node runs, but `-c 'import torch'` is no JavaScript it can evaluate.
    const tried = await findTorchPython(['/nonexistent/python3', process.execPath]);
    expect('note' in tried && tried.note.split("-c 'import torch' failed").length).toBe(3);
  });
});

describe('formatTorchComparison', () => {
  const wasm = { size: 64, trainStepMs: 300, projectionStepMs: 40, projectionBatchStepMs: 260 } as BenchRow;
  /** PyTorch at half tfjs's times, with its parameter count and kernels as given. */
  const torchRow = (params: number, kernels: TorchRow['kernels']): TorchRow =>
    ({
      size: 64,
      trainStepMs: 150,
      projectionStepMs: 20,
      projectionBatchStepMs: 130,
      config: { latent: 32, width: 16, channels: 3, batch: 16 },
      pytorch: { torch: '1.13.1', threads: 1, params, tfjsParams: 11, mkldnn: true, python: 'python3' },
      kernels,
    }) as TorchRow;

  it('prints both times and tfjs / PyTorch per workload, and says when parameter counts differ', () => {
    const text = formatTorchComparison([wasm], [torchRow(10, null)]);
    expect(text).toMatch(/train step \(Adam\)\s+16\s+1\s+300\.0\s+150\.0\s+2\.00/);
    expect(text).toMatch(/projection step\s+1\s+1\s+40\.0\s+20\.0\s+2\.00/);
    expect(text).toMatch(/projection step\s+16\s+1\s+260\.0\s+130\.0\s+2\.00/);
    expect(text).toMatch(/parameters: tfjs 11, PyTorch 10 \(DIFFERENT/);
    expect(text).not.toMatch(/alone/);
  });

  it("adds Chromium's one-thread WASM steps against the same PyTorch figures, not its threaded ones", () => {
    const chromium = [
      { where: 'chromium', backend: 'wasm', size: 64, trainStepMs: 450, projectionStepMs: 50 },
      { where: 'chromium', backend: 'wasm 2 threads', size: 64, trainStepMs: 1, projectionStepMs: 1 },
    ] as BenchRow[];
    const text = formatTorchComparison([wasm], [torchRow(11, null)], [], chromium);
    expect(text).toMatch(/train step \(Adam\), Chromium\s+16\s+1\s+450\.0\s+150\.0\s+3\.00/);
    expect(text).toMatch(/projection step, Chromium\s+1\s+1\s+50\.0\s+20\.0\s+2\.50/);
    expect(text.match(/, Chromium/g)).toHaveLength(2);
  });

  it('adds the training steps of the alternating rounds, each round\'s ratio and their median', () => {
    const row = { ...torchRow(11, null), paired: { rounds: [1.2, 0.9, 1.1].map((ratio) => ({ firstMs: 20 * ratio, secondMs: 20, ratio })), firstMs: 22, secondMs: 20, ratio: 1.1, steps: 18 } };
    expect(formatTorchComparison([wasm], [row])).toContain(
      '64px train step (Adam), batch 16, alternating rounds of 18 steps: tfjs-wasm 22.0 ms, PyTorch 20.0 ms; tfjs/pytorch each round 1.20, 0.90, 1.10, median 1.10',
    );
    expect(formatTorchComparison([wasm], [torchRow(11, null)])).not.toContain('alternating');
  });

  it('adds the kernels alone, their ratio and both arithmetic rates', () => {
    const shapes = { batch: 16, size: 64, width: 16, matmul: 512 };
    // 2 * 16 * 64 * 64 * 16 * 16 * 9 = 301,989,888 flops; 2 * 512^3 = 268,435,456.
    const text = formatTorchComparison([wasm], [torchRow(11, { shapes, tfjs: { convMs: 30.2, matmulMs: 26.84 }, pytorch: { convMs: 7.55, matmulMs: 6.71 } })]);
    expect(text).toMatch(/3x3 conv alone, 16 -> 16 ch\s+16\s+1\s+30\.2\s+7\.5\s+4\.00/);
    expect(text).toMatch(/512\^3 matmul alone\s+1\s+1\s+26\.8\s+6\.7\s+4\.00/);
    expect(text).toContain('64px kernels alone, GFLOP/s tfjs-wasm / PyTorch: conv 10.0 / 40.0, matmul 10.0 / 40.0');
  });
});

describe('bench/torch_vae.py mirrors the engine network', () => {
  it.skipIf(!torchAvailable)('has the engine model parameter count for the default config (needs python3 with torch)', async () => {
    expect(await torchParams(DEFAULT)).toBe(engineParamCount(DEFAULT));
  });

  it.skipIf(!torchAvailable)('has the engine model parameter count for a grayscale 128 px depth-6 config (needs python3 with torch)', async () => {
    expect(await torchParams(OTHER)).toBe(engineParamCount(OTHER));
  });
});
