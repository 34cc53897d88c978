/**
 * The page's side of the worker protocol. This module is the only place that creates a Worker.
 * call() starts a job and returns its id, a promise of the result and cancel(); events of the
 * job (progress, frames) go to onEvent. Nothing here knows about React or the store.
 */
import type { CallArgs, CallEvent, CallName, CallResult, Request, Response, WireError } from './protocol';

export class WorkerCallError extends Error {
  readonly code: WireError['code'];

  constructor(error: WireError) {
    super(error.message);
    this.name = 'WorkerCallError';
    this.code = error.code;
  }
}

export interface Job<T> {
  id: number;
  result: Promise<T>;
  cancel(): void;
}

export interface CallOptions<E> {
  onEvent?(event: E): void;
  transfer?: Transferable[];
}

/** What the store needs of the worker; tests pass a fake. */
export interface MlClientLike {
  call<K extends CallName>(call: K, args: CallArgs<K>, opts?: CallOptions<CallEvent<K>>): Job<CallResult<K>>;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onEvent?(e: unknown): void;
}

/** Anything with postMessage and message events: a Worker, or a fake port in tests. */
export interface PortLike {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
  terminate?(): void;
}

export class MlClient implements MlClientLike {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly port: PortLike) {
    port.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data as Response));
    port.addEventListener('error', (e: ErrorEvent) => this.failAll({ code: 'worker-crashed', message: e.message || 'The ML worker stopped.' }));
  }

  call<K extends CallName>(call: K, args: CallArgs<K>, opts: CallOptions<CallEvent<K>> = {}): Job<CallResult<K>> {
    const id = this.nextId++;
    const result = new Promise<CallResult<K>>((resolve, reject) => {
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onEvent: opts.onEvent as ((e: unknown) => void) | undefined,
      });
    });
    const msg = { kind: 'call', id, call, args } as Request;
    this.port.postMessage(msg, opts.transfer ?? []);
    return { id, result, cancel: () => this.cancel(id) };
  }

  cancel(id: number): void {
    if (!this.pending.has(id)) return;
    const msg: Request = { kind: 'cancel', id };
    this.port.postMessage(msg, []);
  }

  terminate(): void {
    this.port.terminate?.();
    this.failAll({ code: 'worker-crashed', message: 'The ML worker was stopped.' });
  }

  private onMessage(msg: Response): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.kind === 'event') {
      p.onEvent?.(msg.event);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.kind === 'result') p.resolve(msg.value);
    else p.reject(new WorkerCallError(msg.error));
  }

  private failAll(error: WireError): void {
    for (const p of this.pending.values()) p.reject(new WorkerCallError(error));
    this.pending.clear();
  }
}

/** Starts the ML worker (a module worker, bundled by Vite) and wraps it. */
export function startMlWorker(): MlClient {
  const worker = new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module', name: 'manifold-lens-ml' });
  return new MlClient(worker as PortLike);
}

/** Cancellation is a normal way for a job to end; callers tell it from a failure with this. */
export function isCancelled(e: unknown): boolean {
  return e instanceof WorkerCallError && e.code === 'cancelled';
}
