/**
 * The worker's robustness wiring (issue 5), kept beside ml.worker.ts: a plain-array copy of the
 * model after every GPU job, the device-loss watch after init, and the test hook's calls.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmPaths } from '../engine/backend';
import { errorMessage } from '../engine/errors';
import type { Vae } from '../engine/model/autoencoder';
import type { JobContext, SerialQueue } from './context';
import { debugJob } from './debug';
import type { ImageStore } from './images';
import type { CallArgs, CallResult } from './protocol';
import { WASM_TRAP } from './memory';
import { BackendWatch, ModelKeeper } from './recovery';

export interface RobustDeps {
  store: ImageStore;
  gpu: SerialQueue;
  model(): Vae | null;
  setModel(vae: Vae | null): void;
}

type H<K extends 'watchBackend' | 'debug'> = (args: CallArgs<K>, ctx: JobContext<never>) => Promise<CallResult<K>>;

export function robustness(deps: RobustDeps) {
  const keeper = new ModelKeeper();
  const watch = new BackendWatch();
  let wasmPaths: WasmPaths | undefined;
  const handlers: { watchBackend: H<'watchBackend'>; debug: H<'debug'> } = {
    watchBackend: () => watch.next(),
    debug: (args) => debugJob(args, { store: deps.store, model: deps.model, gpu: deps.gpu }),
  };
  return {
    handlers,
    /** After the backend is chosen: watch its device. */
    afterInit(paths: WasmPaths | undefined): void {
      wasmPaths = paths;
      watch.watch({ getModel: deps.model, setModel: deps.setModel, keeper, wasmPaths });
    },
    /** After a GPU job failed: a WASM trap leaves the module broken, so start the backend afresh. */
    async afterFailure(e: unknown): Promise<void> {
      // The job may have wrapped the trap (e.g. as 'out-of-memory'); the trap is then its cause.
      const cause = e instanceof Error ? e.cause : undefined;
      if (tf.getBackend() === 'wasm' && (WASM_TRAP.test(errorMessage(e)) || (cause !== undefined && WASM_TRAP.test(errorMessage(cause))))) {
        await watch.restart({ getModel: deps.model, setModel: deps.setModel, keeper, wasmPaths }, 'the WASM backend ran out of memory');
      }
    },
    /** After every GPU job: copy the model's weights if the model changed. */
    async afterGpuJob(): Promise<void> {
      try {
        await keeper.sync(deps.model());
      } catch (e) {
        // Without a copy the model cannot survive a device loss, but it still works now.
        console.warn('Copying the model weights failed', e);
      }
    },
  };
}
