/**
 * The ML worker: a thin adapter from the protocol to engine/. It owns the backend, the
 * dataset's pixels and the trained model; GPU jobs run one at a time (SerialQueue), and a
 * cancel message sets the job's flag, which the engine checks between steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../engine/backend';
import { EngineError, errorMessage, isEngineError } from '../engine/errors';
import type { Vae } from '../engine/model/autoencoder';
import { SerialQueue, transferables, type JobContext } from './context';
import { ImageStore } from './images';
import { inspectJob, requireModel, scoreJob, type LastMaps } from './inspect';
import type { CallArgs, CallEvent, CallName, CallResult, Request, Response, WireError } from './protocol';
import { trainJob } from './train';
import { keepHandlers } from './keepHandlers';
import { isAllocationFailure } from './memory';
import { robustness } from './robustHandlers';

interface Scope {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}
const scope = self as unknown as Scope;

const store = new ImageStore();
const gpu = new SerialQueue();
/** Jobs in flight and their stop flags. */
const active = new Map<number, { stop: boolean }>();
let model: Vae | null = null;
let lastMaps: LastMaps | null = null;

const robust = robustness({
  store,
  gpu,
  model: () => model,
  setModel: (vae) => {
    model = vae;
    lastMaps = null;
  },
});

type Handler<K extends CallName> = (args: CallArgs<K>, ctx: JobContext<CallEvent<K>>) => Promise<CallResult<K>>;

/** Runs on the GPU queue; a job cancelled while it waited never starts. */
function onGpu<K extends CallName>(h: Handler<K>): Handler<K> {
  return (args, ctx) =>
    gpu.run(() => {
      if (ctx.shouldStop()) throw new EngineError('cancelled', 'Cancelled before it started.');
      return h(args, ctx)
        .catch(async (e: unknown) => {
          await robust.afterFailure(e);
          throw e;
        })
        .finally(() => robust.afterGpuJob());
    });
}

const handlers: { [K in CallName]: Handler<K> } = {
  init: onGpu(async ({ backend, wasmPaths }) => {
    const choice = await chooseBackend({ override: backend, wasmPaths: wasmPaths ?? undefined });
    robust.afterInit(wasmPaths ?? undefined);
    return choice;
  }),
  addImages: async ({ set, files }, ctx) => store.add(set, files, (done) => ctx.emit({ done, total: files.length })),
  demo: async (args) => store.loadDemo(args),
  removeImages: async ({ set, ids }) => ({ remaining: store.remove(set, ids) }),
  testImage: async ({ testId, size }) => {
    const channels = model?.config.channels ?? store.datasetChannels('test');
    return store.working(store.get('test', testId), size, channels);
  },
  train: onGpu(async (args, ctx) => {
    const { info, vae } = await trainJob(store, args, ctx);
    if (vae) {
      model?.dispose();
      model = vae;
      lastMaps = null;
    }
    return info;
  }),
  inspect: onGpu(async (args, ctx) => {
    const result = await inspectJob(store, requireModel(model), args, ctx);
    // The result's arrays are transferred to the page, so keep copies.
    lastMaps = {
      residual: { ...result.residual, map: result.residual.map.slice() },
      projection: { ...result.projection, map: result.projection.map.slice() },
    };
    return result;
  }),
  score: onGpu(async (args, ctx) => scoreJob(store, requireModel(model), args, ctx)),
  numTensors: async () => tf.memory().numTensors,
  lastMap: async ({ method }) => {
    const r = lastMaps?.[method];
    return r ? { width: r.width, height: r.height, data: Array.from(r.map) } : null;
  },
  mask: async ({ testId }) => {
    const mask = store.get('test', testId).mask;
    return mask ? { ...mask, data: mask.data.slice() } : null;
  },
  ...keepHandlers({
    store,
    onGpu,
    model: () => model,
    setModel: (vae) => {
      model?.dispose();
      model = vae;
      lastMaps = null;
    },
    requireModel: () => requireModel(model) as Vae,
  }),
  ...robust.handlers,
};

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

async function dispatch(msg: Extract<Request, { kind: 'call' }>): Promise<void> {
  const id = msg.id;
  const flag = { stop: false };
  active.set(id, flag);
  const ctx: JobContext<unknown> = {
    id,
    shouldStop: () => flag.stop,
    emit: (event) => post({ kind: 'event', id, event }, event),
  };
  try {
    const handler = handlers[msg.call] as Handler<CallName>;
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
