/**
 * The backend's life in the worker: starting it, a plain-array copy of the model after every GPU
 * job (so it survives a lost device), the device-loss watch, and a fresh start after a WASM trap.
 */
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, type WasmPaths } from '../../engine/backend';
import { errorMessage } from '../../engine/errors';
import type { ModelSlot } from './modelSlot';
import { WASM_TRAP } from './memory';
import { BackendWatch, ModelKeeper, type LossHandling } from './recovery';
import type { DomainHandlers } from './handler';

export class BackendRuntime {
  private readonly keeper = new ModelKeeper();
  private readonly watch = new BackendWatch();
  private wasmPaths: WasmPaths | undefined;
  private wasmThreads = 1;

  constructor(private readonly slot: ModelSlot) {}

  handlers(): DomainHandlers<'watchBackend'> {
    return { watchBackend: () => this.watch.next() };
  }

  async start(backend: string | null, wasmPaths: WasmPaths | undefined, wasmThreads: number) {
    const choice = await chooseBackend({ override: backend, wasmPaths, wasmThreads });
    this.wasmPaths = wasmPaths;
    this.wasmThreads = wasmThreads;
    this.watch.watch(this.loss());
    return choice;
  }

  /** After a GPU job failed: a WASM trap leaves the module broken, so start the backend afresh. */
  async afterFailure(e: unknown): Promise<void> {
    // The job may have wrapped the trap (e.g. as 'out-of-memory'); the trap is then its cause.
    const cause = e instanceof Error ? e.cause : undefined;
    const trapped = WASM_TRAP.test(errorMessage(e)) || (cause !== undefined && WASM_TRAP.test(errorMessage(cause)));
    if (tf.getBackend() === 'wasm' && trapped) await this.watch.restart(this.loss(), 'the WASM backend ran out of memory');
  }

  /** After every GPU job: copy the model's weights if the model changed. */
  async afterGpuJob(): Promise<void> {
    try {
      await this.keeper.sync(this.slot.vae);
    } catch (e) {
      // Without a copy the model cannot survive a device loss, but it still works now.
      console.warn('Copying the model weights failed', e);
    }
  }

  private loss(): LossHandling {
    return { getModel: () => this.slot.vae, setModel: (vae) => this.slot.replaceWeights(vae), keeper: this.keeper, wasmPaths: this.wasmPaths, wasmThreads: this.wasmThreads };
  }
}
