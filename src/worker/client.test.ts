import { describe, expect, it } from 'vitest';
import { isCancelled, MlClient, WorkerCallError, type PortLike } from './client';
import type { Request, Response } from './protocol';

/** A port whose "worker" is the test: it sees the requests and answers by hand. */
class FakePort implements PortLike {
  readonly sent: { msg: Request; transfer: Transferable[] }[] = [];
  private onMessage: ((e: MessageEvent) => void) | null = null;
  private onError: ((e: ErrorEvent) => void) | null = null;

  postMessage(msg: unknown, transfer: Transferable[]): void {
    this.sent.push({ msg: msg as Request, transfer });
  }

  addEventListener(type: 'message' | 'error', fn: ((e: MessageEvent) => void) & ((e: ErrorEvent) => void)): void {
    if (type === 'message') this.onMessage = fn;
    else this.onError = fn;
  }

  reply(msg: Response): void {
    this.onMessage?.({ data: msg } as MessageEvent);
  }

  crash(message: string): void {
    this.onError?.({ message } as ErrorEvent);
  }
}

describe('MlClient', () => {
  it('sends a call with an id and resolves it with its result, after its events', async () => {
    const port = new FakePort();
    const client = new MlClient(port);
    const events: unknown[] = [];
    const job = client.call('addImages', { set: 'normal', files: [] }, { onEvent: (e) => events.push(e) });
    expect(port.sent[0]?.msg).toEqual({ kind: 'call', id: job.id, call: 'addImages', args: { set: 'normal', files: [] } });
    port.reply({ kind: 'event', id: job.id, event: { done: 1, total: 2 } });
    port.reply({ kind: 'result', id: job.id, value: { accepted: [], rejected: [] } });
    await expect(job.result).resolves.toEqual({ accepted: [], rejected: [] });
    expect(events).toEqual([{ done: 1, total: 2 }]);
  });

  it('cancel sends the job id; an error answer rejects with its code', async () => {
    const port = new FakePort();
    const client = new MlClient(port);
    const job = client.call('numTensors', {});
    job.cancel();
    expect(port.sent[1]?.msg).toEqual({ kind: 'cancel', id: job.id });
    port.reply({ kind: 'error', id: job.id, error: { code: 'cancelled', message: 'stopped' } });
    const err = await job.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerCallError);
    expect(isCancelled(err)).toBe(true);
  });

  it('a crashed worker fails every pending call instead of leaving it hanging', async () => {
    const port = new FakePort();
    const client = new MlClient(port);
    const a = client.call('numTensors', {});
    const b = client.call('lastMap', { method: 'projection' });
    port.crash('boom');
    await expect(a.result).rejects.toMatchObject({ code: 'worker-crashed' });
    await expect(b.result).rejects.toMatchObject({ code: 'worker-crashed' });
  });
});
