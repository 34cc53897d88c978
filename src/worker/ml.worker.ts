/**
 * The ML worker: composition only. It builds the shared parts (the dataset's pixels, the one
 * model slot, the GPU queue), spreads each domain's handlers into one table and answers the
 * protocol's messages; a cancel message sets the job's flag, which the engine checks between steps.
 */
import { EngineError, errorMessage, isEngineError } from '../engine/errors';
import { datasetHandlers } from './dataset/handlers';
import { ImageStore } from './dataset/images';
import { Evaluator } from './inspection/evaluate';
import { inspectionHandlers } from './inspection/handlers';
import { modelHandlers } from './model/handlers';
import type { CallName, Request, Response, WireError } from './protocol';
import { SerialQueue, transferables, type JobContext } from './runtime/context';
import type { Handler, WorkerDeps } from './runtime/handler';
import { BackendRuntime } from './runtime/handlers';
import { isAllocationFailure } from './runtime/memory';
import { ModelSlot } from './runtime/modelSlot';
import { trainingHandlers } from './training/handlers';

/** Defined by vite.config.ts: true only in builds made for the end-to-end tests. */
declare const __TEST_HOOKS__: boolean;

interface Scope {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}
const scope = self as unknown as Scope;

const gpu = new SerialQueue();
const slot = new ModelSlot();
const runtime = new BackendRuntime(slot);
const evaluator = new Evaluator();

/** A GPU job's failure goes to the runtime (a trapped backend restarts); after it, the weights' copy is brought up to date. */
function guarded<T>(job: () => Promise<T>): Promise<T> {
  return job()
    .catch(async (e: unknown) => {
      await runtime.afterFailure(e);
      throw e;
    })
    .finally(() => runtime.afterGpuJob());
}

/** Runs one task on the GPU queue. */
function gpuTask<T>(task: () => Promise<T>): Promise<T> {
  return gpu.run(() => guarded(task));
}

/** A handler on the GPU queue; a job cancelled while it waited never starts. */
function onGpu<K extends CallName>(h: Handler<K>): Handler<K> {
  return (args, ctx) =>
    gpu.run(() => {
      if (ctx.shouldStop()) throw new EngineError('cancelled', 'Cancelled before it started.');
      return guarded(() => h(args, ctx));
    });
}

const deps: WorkerDeps = { store: new ImageStore(), slot, onGpu, gpuTask };

const handlers: Partial<{ [K in CallName]: Handler<K> }> = {
  ...runtime.handlers(),
  ...datasetHandlers(deps),
  ...trainingHandlers(deps),
  ...inspectionHandlers(deps, evaluator),
  ...modelHandlers(deps),
};

handlers.init = onGpu(async ({ backend, wasmPaths, wasmThreads, testHooks }) => {
  const choice = await runtime.start(backend, wasmPaths ?? undefined, wasmThreads);
  if (__TEST_HOOKS__ && testHooks) {
    const { testingHandlers } = await import('./testing/handlers');
    Object.assign(handlers, testingHandlers(deps, evaluator));
  }
  return choice;
});

function post(msg: Response, payload: unknown): void {
  scope.postMessage(msg, transferables(payload));
}

function toWire(e: unknown): WireError {
  if (isEngineError(e)) return { code: e.code, message: e.message };
  const message = errorMessage(e);
  // Allocation failures surface as plain Errors from the backends; give them their code.
  if (isAllocationFailure(e)) return { code: 'out-of-memory', message };
  return { code: 'unknown', message };
}

const active = new Map<number, { stop: boolean }>();

async function dispatch(msg: Extract<Request, { kind: 'call' }>): Promise<void> {
  const id = msg.id;
  const flag = { stop: false };
  active.set(id, flag);
  const ctx: JobContext<unknown> = { id, shouldStop: () => flag.stop, emit: (event) => post({ kind: 'event', id, event }, event) };
  try {
    const handler = handlers[msg.call] as Handler<CallName> | undefined;
    if (!handler) throw new EngineError('invalid-argument', `The worker has no call "${msg.call}" in this build.`);
    const value = await handler(msg.args as never, ctx as never);
    post({ kind: 'result', id, value }, value);
  } catch (e) {
    post({ kind: 'error', id, error: toWire(e) }, null);
  } finally {
    active.delete(id);
  }
}

scope.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as Request;
  if (msg.kind !== 'cancel') void dispatch(msg);
  else {
    const flag = active.get(msg.id);
    if (flag) flag.stop = true;
  }
});
