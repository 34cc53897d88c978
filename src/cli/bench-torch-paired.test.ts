/**
 * The alternating rounds: each round times tfjs and then PyTorch, the ratio is the median of the
 * rounds' ratios (a slow spell in one round moves one ratio, not the result); and the PyTorch
 * step server answers each request with a time, where torch is installed.
 */
import { describe, expect, it } from 'vitest';
import { findTorchPython } from './bench-torch';
import { alternate, alternateRounds, startTorchStepServer } from './bench-torch-paired';

const found = await findTorchPython();

describe('alternating rounds', () => {
  it('times tfjs then PyTorch in each round, and takes the median of the rounds\' ratios', async () => {
    const calls: string[] = [];
    // Round 2 is a busy spell for both: its times are high, its ratio as the others'.
    const tfjsTimes = [10, 40, 11, 12, 10];
    const torchTimes = [5, 20, 5, 6, 4];
    let [t, p] = [0, 0];
    const tfjs = async (n: number) => {
      calls.push(`tfjs ${n}`);
      return tfjsTimes[t++]!;
    };
    const torch = async (n: number) => {
      calls.push(`torch ${n}`);
      return torchTimes[p++]!;
    };
    const out = await alternate(tfjs, torch, 5, 7);
    expect(calls).toEqual(Array.from({ length: 5 }, () => ['tfjs 7', 'torch 7']).flat());
    expect(out.rounds.map((r) => r.ratio)).toEqual([2, 2, 2.2, 2, 2.5]);
    expect(out.ratio).toBe(2);
    expect([out.firstMs, out.secondMs, out.steps]).toEqual([11, 5, 7]);
  });

  it('sizes the rounds from one warm-up step of the first timer: about 400 ms a side, 50 steps at most', async () => {
    const asked: number[] = [];
    const timer = (ms: number) => async (n: number) => (asked.push(n), ms);
    expect((await alternateRounds(timer(100), timer(50), 2)).steps).toBe(4);
    expect(asked).toEqual([1, 1, 4, 4, 4, 4]);
    expect((await alternateRounds(timer(0.5), timer(0.5), 1)).steps).toBe(50);
  });

  it('refuses no rounds', async () => {
    await expect(alternate(async () => 1, async () => 1, 0, 3)).rejects.toThrow(/at least one round/);
  });

  it.skipIf(!('python' in found))('has a PyTorch step ready and times the steps asked for (needs python3 with torch)', async () => {
    if (!('python' in found)) return;
    const server = await startTorchStepServer(found.python, { size: 16, channels: 1, latent: 4, width: 4, batch: 2 }, 1);
    try {
      expect(server.params).toBeGreaterThan(0);
      const [a, b] = [await server.steps(2), await server.steps(1)];
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });

  it('says why when the script cannot start, or its interpreter is missing', async () => {
    const config = { size: 16, channels: 1 as const, latent: 4, width: 4, batch: 2 };
    // node runs the script as JavaScript: a syntax error, and stdout closes with nothing on it.
    await expect(startTorchStepServer(process.execPath, config, 1)).rejects.toThrow(/torch_vae\.py --serve ended: /);
    await expect(startTorchStepServer('/nonexistent/python3', config, 1)).rejects.toThrow(/torch_vae\.py --serve ended: .*ENOENT/);
  });
});
