/** Keeping the model: the weights are read on the GPU queue, the slow write waits on no one. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createVae } from '../../engine/model/vae';
import { useCpu } from '../../engine/testing/cpu';
import { modelInfo } from '../../engine/testing/fixtures';
import { yieldToEventLoop } from '../../engine/event-loop';
import { ImageStore } from '../dataset/images';
import { SerialQueue } from '../runtime/context';
import type { WorkerDeps } from '../runtime/handler';
import { ModelSlot } from '../runtime/modelSlot';
import { modelHandlers } from './handlers';
import type { KeyValue } from './persist';

beforeAll(() => useCpu());

/** A store whose writes wait until released (and after that, go through at once). */
class HeldKv implements KeyValue {
  readonly map = new Map<string, unknown>();
  private pending: (() => void)[] = [];
  private open = false;
  get(k: string) {
    return Promise.resolve(this.map.get(k));
  }
  set(k: string, v: unknown) {
    return new Promise<void>((resolve) => {
      const write = () => {
        this.map.set(k, v);
        resolve();
      };
      if (this.open) write();
      else this.pending.push(write);
    });
  }
  del(k: string) {
    this.map.delete(k);
    return Promise.resolve();
  }
  release(): void {
    this.open = true;
    for (const write of this.pending.splice(0)) write();
  }
}

describe('saveModel', () => {
  it('holds the GPU queue only while it reads the weights, not while the model is written', async () => {
    const queue = new SerialQueue();
    const slot = new ModelSlot();
    const description = modelInfo({ config: { size: 16, channels: 1, latent: 4, width: 4 } });
    slot.swap({ vae: createVae(description.config, 1), description });
    const deps: WorkerDeps = {
      store: new ImageStore(),
      slot,
      onGpu: (h) => (args, ctx) => queue.run(() => h(args, ctx)),
      gpuTask: (task) => queue.run(task),
    };
    const kv = new HeldKv();
    const ctx = { id: 1, shouldStop: () => false, emit: () => undefined };
    const saving = modelHandlers(deps, kv).saveModel({ settings: { projection: { alpha: 1, lambda: 0.1, iterations: 5, variant: 'weighted' }, thresholds: {} } }, ctx);
    // A GPU job queued after the save (a projection) runs while the write is still pending.
    const ran: string[] = [];
    void queue.run(async () => ran.push('projection'));
    for (let i = 0; i < 5 && ran.length === 0; i++) await yieldToEventLoop();
    expect(ran).toEqual(['projection']);
    expect(kv.map.size).toBe(0);
    kv.release();
    await expect(saving).resolves.toMatchObject({ kind: 'saved' });
    expect(kv.map.size).toBeGreaterThan(0);
    slot.swap(null);
  });
});
