/** What every domain's handlers are built from: the worker's shared parts and the handler shape. */
import type { ImageStore } from '../dataset/images';
import type { CallArgs, CallEvent, CallName, CallResult } from '../protocol';
import type { JobContext } from './context';
import type { ModelSlot } from './modelSlot';

export type Handler<K extends CallName> = (args: CallArgs<K>, ctx: JobContext<CallEvent<K>>) => Promise<CallResult<K>>;

/** The handlers of a set of calls. */
export type DomainHandlers<K extends CallName> = { [P in K]: Handler<P> };

export interface WorkerDeps {
  store: ImageStore;
  slot: ModelSlot;
  /** Wraps a handler to run on the GPU queue, one job at a time. */
  onGpu<K extends CallName>(h: Handler<K>): Handler<K>;
  /** Runs one part of a handler on the GPU queue (the rest, e.g. a storage write, waits on no kernel and holds no one up). */
  gpuTask<T>(task: () => Promise<T>): Promise<T>;
}
